import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendChunk, byteLength, isFullPage, startTail, TAIL_WINDOW, tailText, type TailState } from '../../../renderer/model/logTail.js';

const feed = (s: TailState, data: string, keep?: number) => appendChunk(s, { data, offset: s.offset }, keep);

describe('startTail', () => {
  it('reads a small file from its start', () => {
    const s = startTail(100);
    assert.equal(s.offset, 0, 'a file shorter than the window is read whole');
    assert.equal(s.trimmed, false, 'nothing is hidden');
    assert.equal(s.skipFirstLine, false, 'the first line is whole');
  });

  it('reads only the last window of a large file and marks it trimmed', () => {
    const s = startTail(1_000_000);
    assert.equal(s.offset, 1_000_000 - TAIL_WINDOW, 'starts one window before the end');
    assert.equal(s.trimmed, true, 'earlier output is not shown');
    assert.equal(s.skipFirstLine, true, 'the first, cut-off line is to be skipped');
  });
});

describe('appendChunk', () => {
  it('advances by bytes, not characters', () => {
    const s = feed(startTail(0), 'héllo\n');
    assert.equal(s.offset, 7, 'é is two bytes in UTF-8');
    assert.equal(tailText(s), 'héllo\n', 'the text is kept');
    assert.equal(byteLength('€'), 3, 'byteLength counts UTF-8 bytes');
  });

  it('ignores a chunk for another offset and an empty chunk', () => {
    const s = feed(startTail(0), 'a\n');
    assert.equal(appendChunk(s, { data: 'stale', offset: 0 }), s, 'a stale answer changes nothing');
    assert.equal(appendChunk(s, { data: '', offset: 2 }), s, 'an empty read changes nothing');
  });

  it('keeps the unfinished last line apart until it ends', () => {
    let s = feed(startTail(0), 'one\ntw');
    assert.deepEqual([s.chunks.map((c) => c.text), s.partial], [['one\n'], 'tw'], 'whole lines in chunks, the rest pending');
    s = feed(s, 'o\nthr');
    assert.equal(tailText(s), 'one\ntwo\nthr', 'the text reads on');
    assert.equal(s.partial, 'thr', 'still pending');
  });

  it('grows the newest small chunk instead of adding many tiny ones', () => {
    let s = startTail(0);
    for (let i = 0; i < 100; i++) s = feed(s, 'hi\n');
    assert.equal(s.chunks.length, 1, 'a trickle of output stays in one chunk');
    assert.equal(s.chunks[0]?.id, 1, 'whose id (its list key) does not change');
    s = feed(s, `${'x'.repeat(5000)}\n`);
    s = feed(s, 'next\n');
    assert.equal(s.chunks.length, 2, 'a chunk past 4 KiB is closed; new output starts another');
  });

  it('skips the cut-off first line of a mid-file start', () => {
    const s = appendChunk(startTail(TAIL_WINDOW + 10), { data: 'tail of a line\nwhole line\n', offset: 10 });
    assert.equal(tailText(s), 'whole line\n', 'the partial line is dropped');
    assert.equal(s.offset, 10 + byteLength('tail of a line\nwhole line\n'), 'the offset still counts the skipped bytes');
    const next = feed(s, 'more\n');
    assert.equal(tailText(next), 'whole line\nmore\n', 'later chunks are appended whole');
  });

  it('keeps a cut-off first line that has no newline nearby', () => {
    const long = 'x'.repeat(5000);
    const s = appendChunk(startTail(TAIL_WINDOW + 1), { data: `${long}\nend\n`, offset: 1 });
    assert.equal(tailText(s), `${long}\nend\n`, 'a very long first line is not hidden');
  });

  it('shows a line with no end once it is very long', () => {
    const s = feed(startTail(0), 'p'.repeat(20_000));
    assert.equal(s.partial, '', 'flushed');
    assert.equal(s.chunks[0]?.text.length, 20_000, 'as a chunk');
  });

  it('bounds the text, dropping the oldest chunks, then cutting at a line boundary', () => {
    let s = startTail(0);
    const block = `${'y'.repeat(99)}\n`.repeat(50); // 5,000 characters, whole lines
    for (let i = 0; i < 100; i++) s = feed(s, block, 20_000);
    assert.ok(s.chars <= 20_000, `kept ${s.chars} characters, at most 20,000`);
    assert.equal(s.chars, s.chunks.reduce((n, c) => n + c.text.length, 0), 'chars counts the chunks');
    assert.equal(s.trimmed, true, 'says earlier output was dropped');
    const one = feed(startTail(0), `${'z'.repeat(99)}\n`.repeat(100), 1_000);
    assert.ok(one.chars <= 1_000 && tailText(one).startsWith('z') && tailText(one).endsWith('z\n'), 'a single oversized chunk is cut at a line start');
  });
});

describe('isFullPage', () => {
  it('says whether a read filled its page', () => {
    assert.equal(isFullPage({ data: 'x'.repeat(10), offset: 0 }, 10), true, 'a full page means more may follow');
    assert.equal(isFullPage({ data: 'x'.repeat(9), offset: 0 }, 10), false, 'a short read reached the end');
  });
});
