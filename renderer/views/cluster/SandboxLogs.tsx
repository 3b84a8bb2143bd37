import { memo, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { TabList } from '../../components/TabList.js';
import { useConnection } from '../../data/consoleContext.js';
import { errorText, formatBytes } from '../../model/format.js';
import { appendChunk, isFullPage, startTail, TAIL_WINDOW, type ReadChunk, type TailState } from '../../model/logTail.js';

const POLL_MS = 2000;
/** MAX_PAGES bounds how many pages one poll reads when a file grows fast. */
const MAX_PAGES = 8;
const FILES = ['stdout', 'stderr'] as const;
type FileName = (typeof FILES)[number];

interface TailView {
  state?: TailState;
  error?: string;
  loading: boolean;
}

/**
 * useFileTail follows one sandbox file through the agent's `/files/read` (Mesos's pailer protocol): the length first
 * (`offset=-1`), then the last 64 KiB, then whatever is appended, every 2 s while `follow` is set (it reads once more
 * after `follow` clears, then rests), keeping about 200 KB. It stops when the component unmounts or the path changes.
 */
export function useFileTail(agentId: string, path: string | undefined, follow: boolean): TailView {
  const c = useConnection();
  const [view, setView] = useState<TailView>({ loading: true });
  const following = useRef(follow);
  const wake = useRef<() => void>(() => undefined);
  useEffect(() => {
    // shown is the view last handed to React, and setView is called only when the view changes. That saves renders,
    // and it keeps the heap flat: React queues every setState of a component that does not re-render (one that bails
    // out as unchanged too) until that component's next render, so an idle tail saying "no change" every poll kept an
    // update and its closure per poll for as long as the page stayed open (818 of them after 14 minutes).
    let shown: TailView = { loading: true };
    const show = (next: TailView) => {
      shown = next;
      setView(next);
    };
    show(shown);
    if (!path) return undefined;
    let stopped = false;
    let idle = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let state: TailState | undefined;
    const read = (offset: number, length: number) => c.get<ReadChunk>({ kind: 'agent', agentId }, `/files/read?path=${encodeURIComponent(path)}&offset=${offset}&length=${length}`);
    const tick = async () => {
      idle = false;
      try {
        if (!state) state = startTail((await read(-1, 0)).offset);
        const before = state;
        for (let page = 0; page < MAX_PAGES && !stopped; page++) {
          const chunk = await read(state.offset, TAIL_WINDOW);
          state = appendChunk(state, chunk);
          if (!isFullPage(chunk)) break;
        }
        if (stopped) return;
        if (state !== before || shown.state !== state || shown.loading || shown.error !== undefined) show({ state, loading: false });
      } catch (err) {
        if (stopped) return;
        const error = errorText(err);
        if (shown.loading || shown.error !== error) show({ ...shown, loading: false, error });
      }
      if (stopped) return;
      if (following.current) timer = setTimeout(() => void tick(), POLL_MS);
      else idle = true;
    };
    wake.current = () => {
      if (idle && !stopped) void tick();
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
      wake.current = () => undefined;
    };
  }, [c, agentId, path]);
  useEffect(() => {
    following.current = follow;
    if (follow) wake.current();
  }, [follow]);
  return view;
}

/**
 * SandboxLogs tails the task's `stdout` and `stderr` from its sandbox, in tabs. It keeps following the end of the
 * file while the reader is at the bottom, and leaves the scroll alone when they scrolled up to read.
 */
export const SandboxLogs = memo(function SandboxLogs({ agentId, directory, follow }: { agentId: string; directory: string; follow: boolean }) {
  const [tab, setTab] = useState<FileName>('stdout');
  const stdout = useFileTail(agentId, `${directory}/stdout`, follow);
  const stderr = useFileTail(agentId, `${directory}/stderr`, follow);
  const tails: Record<FileName, TailView> = { stdout, stderr };
  const current = tails[tab];
  return (
    <section aria-labelledby="sandbox-logs" data-testid="sandbox-logs">
      <h2 id="sandbox-logs">Sandbox logs</h2>
      <div className="cluster-log-head">
        <TabList
          tabs={FILES}
          selected={tab}
          onSelect={setTab}
          label="Sandbox files"
          idOf={(f) => `log-tab-${f}`}
          panelOf={(f) => `log-panel-${f}`}
          render={(f) => (
            <>
              {f}
              {tails[f].state ? <span className="muted"> ({formatBytes(tails[f].state?.offset)})</span> : null}
            </>
          )}
        />
        <span className="muted mono" title={directory}>
          {follow ? 'following, every 2 s' : 'not following: the container ended'}
        </span>
      </div>
      <LogPane key={tab} name={tab} tail={current} />
    </section>
  );
});

function LogPane({ name, tail }: { name: FileName; tail: TailView }) {
  const pre = useRef<HTMLPreElement>(null);
  const atBottom = useRef(true);
  const state = tail.state;
  useLayoutEffect(() => {
    const el = pre.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [state]);
  return (
    <div role="tabpanel" id={`log-panel-${name}`} aria-labelledby={`log-tab-${name}`}>
      {tail.error && (
        <div className="banner error" role="alert">
          Could not read {name}: {tail.error}
        </div>
      )}
      {tail.loading && !tail.error ? (
        <p className="empty" role="status">
          Reading {name}…
        </p>
      ) : (
        tail.state && (
          <>
            {tail.state.trimmed && <p className="cluster-note">Earlier output is not shown (the console keeps the last 200 KB).</p>}
            <pre
              ref={pre}
              className="log cluster-log"
              data-testid={`log-${name}`}
              tabIndex={0}
              aria-label={`${name} of the task`}
              onScroll={(e) => {
                const el = e.currentTarget;
                atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
              }}
            >
              {tail.state.chunks.length === 0 && tail.state.partial === '' ? (
                <span className="muted">({name} is empty)</span>
              ) : (
                <>
                  {tail.state.chunks.map((c) => (
                    // One block per chunk: new output grows the last small block or adds one; the rest is not laid out again.
                    // (A block's final newline draws no extra line, so chunks need no trimming.)
                    <div key={c.id}>{c.text}</div>
                  ))}
                  {tail.state.partial && <div>{tail.state.partial}</div>}
                </>
              )}
            </pre>
          </>
        )
      )}
    </div>
  );
}
