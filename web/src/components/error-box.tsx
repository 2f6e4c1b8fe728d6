import { ApiError } from '../api/api-error.ts';
import { explainError } from '../lib/error-explanations.ts';

/** An error as the API reported it: its stable code, its message, and what the code means. */
export function ErrorBox({ error, title = 'Something went wrong' }: { error: unknown; title?: string }) {
  const code = error instanceof ApiError ? error.code : null;
  const message = error instanceof Error ? error.message : String(error);
  const explanation = explainError(code);
  return (
    <div className="error-box" role="alert">
      <strong>{title}</strong>
      <p>
        {code !== null && <code className="code">{code}</code>} {message}
      </p>
      {explanation !== undefined && <p className="explanation">{explanation}</p>}
    </div>
  );
}
