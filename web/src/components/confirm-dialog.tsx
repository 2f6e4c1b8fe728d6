/**
 * A modal confirmation (the native <dialog>: focus moves into it and stays there, Escape closes it) that
 * names exactly what will change, takes an optional comment, runs the action, and shows its result or
 * the API's refusal in place.
 */
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { ErrorBox } from './error-box.tsx';

export interface ConfirmDialogProps {
  readonly title: string;
  /** What will change, in words: shown above the buttons. */
  readonly children: ReactNode;
  readonly confirmLabel: string;
  readonly danger?: boolean | undefined;
  /** Ask for a comment (approve / reject). */
  readonly withComment?: boolean | undefined;
  /** Runs the action; resolves to what to show as its result. */
  readonly run: (comment: string | undefined) => Promise<ReactNode>;
  readonly onClose: () => void;
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const commentId = useId();
  const [comment, setComment] = useState('');
  const [state, setState] = useState<
    | { kind: 'ask' }
    | { kind: 'running' }
    | { kind: 'done'; result: ReactNode }
    | { kind: 'failed'; error: unknown }
  >({ kind: 'ask' });

  useEffect(() => {
    const dialog = ref.current;
    if (dialog !== null && !dialog.open) dialog.showModal();
  }, []);

  const confirm = async () => {
    setState({ kind: 'running' });
    try {
      const result = await props.run(comment.trim() === '' ? undefined : comment.trim());
      setState({ kind: 'done', result });
    } catch (error) {
      setState({ kind: 'failed', error });
    }
  };

  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={props.onClose} className="confirm">
      <h2 id={titleId}>{props.title}</h2>
      <div className="what-changes">{props.children}</div>
      {props.withComment && state.kind !== 'done' && (
        <p>
          <label htmlFor={commentId}>Comment (optional, recorded in the audit trail)</label>
          <textarea
            id={commentId}
            value={comment}
            maxLength={1000}
            onChange={(event) => setComment(event.target.value)}
          />
        </p>
      )}
      {state.kind === 'done' && (
        <div className="result" role="status">
          {state.result}
        </div>
      )}
      {state.kind === 'failed' && <ErrorBox error={state.error} title="The server refused" />}
      <div className="buttons">
        {state.kind === 'done' ? (
          <button type="button" onClick={() => ref.current?.close()}>
            Close
          </button>
        ) : (
          <>
            <button type="button" onClick={() => ref.current?.close()} disabled={state.kind === 'running'}>
              Cancel
            </button>
            <button
              type="button"
              className={props.danger ? 'danger' : 'primary'}
              onClick={confirm}
              disabled={state.kind === 'running'}
            >
              {state.kind === 'running' ? 'Working…' : props.confirmLabel}
            </button>
          </>
        )}
      </div>
    </dialog>
  );
}
