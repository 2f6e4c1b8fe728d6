/**
 * skopeo options ferry does not implement, declared so that using one is refused with the reason
 * (exit 2, "not supported by ferry") instead of commander's "unknown option", and never silently
 * ignored: a pipeline that asks for encryption or signing must not get an unencrypted or unsigned
 * image. Hidden from help; listed in docs/skopeo-compatibility.md.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';

const SIGNING =
  'GPG signing is not supported by ferry; sign with a sigstore key (--sign-by-sigstore-private-key)';
const ENCRYPTION = 'image encryption (ocicrypt) is not supported by ferry';
const DAEMON = 'the docker-daemon: transport is not supported by ferry';
const SHARED_BLOBS =
  'a shared blob directory is supported by ferry copy only (--src-shared-blob-dir, --dest-shared-blob-dir)';

/** Option flags → the reason, per command (skopeo 1.9 cmd/skopeo/copy.go and sync.go). */
const REFUSED: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  copy: [
    ['--sign-by <fingerprint>', SIGNING],
    ['--encrypt-layer <indexes>', ENCRYPTION],
    ['--encryption-key <key>', ENCRYPTION],
    ['--decryption-key <key>', ENCRYPTION],
    ['--src-daemon-host <host>', DAEMON],
    ['--dest-daemon-host <host>', DAEMON],
  ],
  inspect: [
    ['--daemon-host <host>', DAEMON],
    ['--shared-blob-dir <dir>', SHARED_BLOBS],
  ],
  delete: [
    ['--daemon-host <host>', DAEMON],
    ['--shared-blob-dir <dir>', SHARED_BLOBS],
  ],
  sync: [['--sign-by <fingerprint>', SIGNING]],
};

export function addRefusedOptions(cmd: Command, command: keyof typeof REFUSED & string): Command {
  for (const [flags, reason] of REFUSED[command] ?? []) {
    const name = flags.split(' ')[0]!;
    cmd.addOption(
      new Option(flags, reason).hideHelp().argParser(() => {
        throw new InvalidArgumentError(`${name}: ${reason}`);
      }),
    );
  }
  return cmd;
}
