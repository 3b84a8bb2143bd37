import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConnectionSpec, type CredentialsSpec } from '../protocol/console/channel.js';

/** SecretBox encrypts credentials at rest: Electron's safeStorage (the OS keychain) in the desktop app. */
export interface SecretBox {
  /** available is false where the OS offers no keychain; credentials are then not saved at all. */
  readonly available: boolean;
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

type RemoteSpec = Extract<ConnectionSpec, { kind: 'remote' }>;
type SavedSpec = Omit<RemoteSpec, 'credentials'> & { sealedCredentials?: string };

/**
 * SavedConnections keeps the remote clusters a user attached, so the desktop app reopens them at the next start.
 * Credentials never touch the file in clear: they are sealed with the SecretBox, or dropped (and the user asked
 * again) where no keychain exists. Writes are atomic (temp file + rename), so a crash cannot leave half a file.
 */
export class SavedConnections {
  private readonly specs = new Map<string, SavedSpec>();

  constructor(
    private readonly file: string,
    private readonly box: SecretBox,
  ) {
    try {
      const raw = JSON.parse(readFileSync(file, 'utf8')) as { connections?: SavedSpec[] };
      for (const s of raw.connections ?? []) this.specs.set(`${s.name}|${s.masters.join(',')}`, s);
    } catch {
      // No file yet, or an unreadable one: start empty rather than refuse to start.
    }
  }

  /** list returns the saved specs, credentials unsealed; entries that no longer validate are skipped. */
  list(): RemoteSpec[] {
    const out: RemoteSpec[] = [];
    for (const s of this.specs.values()) {
      const { sealedCredentials, ...rest } = s;
      let credentials: CredentialsSpec | undefined;
      if (sealedCredentials && this.box.available) {
        try {
          credentials = JSON.parse(this.box.decrypt(sealedCredentials)) as CredentialsSpec;
        } catch {
          credentials = undefined;
        }
      }
      const parsed = ConnectionSpec.safeParse({ ...rest, ...(credentials ? { credentials } : {}) });
      if (parsed.success && parsed.data.kind === 'remote') out.push(parsed.data);
    }
    return out;
  }

  /** save remembers a spec (replacing one with the same name and masters). */
  save(spec: RemoteSpec): void {
    const { credentials, ...rest } = spec;
    const saved: SavedSpec = { ...rest, ...(credentials && this.box.available ? { sealedCredentials: this.box.encrypt(JSON.stringify(credentials)) } : {}) };
    this.specs.set(keyOf(spec), saved);
    this.write();
  }

  /** forget drops a spec. */
  forget(spec: Pick<RemoteSpec, 'name' | 'masters'>): void {
    if (this.specs.delete(keyOf(spec))) this.write();
  }

  private write(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify({ connections: [...this.specs.values()] }, null, 2), { mode: 0o600 });
    renameSync(tmp, this.file);
  }
}

function keyOf(spec: Pick<RemoteSpec, 'name' | 'masters'>): string {
  return `${spec.name}|${spec.masters.join(',')}`;
}
