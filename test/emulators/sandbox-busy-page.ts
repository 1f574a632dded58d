import type http from 'node:http';

// `npm run sandbox` only: a page on the Google emulator where a newcomer puts a busy meeting into
// the emulated person's own calendar, so the event pages show a clash without any setup. Not part
// of Google's API; the app links here when SANDBOX_BUSY_URL is set.

export const SANDBOX_BUSY_PATH = '/sandbox/busy';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page: the form's local times become instants in the browser, in the browser's own zone. */
function page(email: string, message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sandbox: add a busy meeting</title>
<style>body{font:16px system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}label{display:block;margin:.75rem 0}input,button{font:inherit;min-height:44px}</style>
</head><body>
<h1>Add a busy meeting</h1>
<p>This is the local Google emulator of <code>npm run sandbox</code>, not Google. The meeting goes into the primary calendar of <strong>${escapeHtml(email)}</strong>; connect Google with “Busy times only” or “Add my saved events” on My events, then open an event at the same time to see the clash.</p>
${message ? `<p role="status"><strong>${escapeHtml(message)}</strong></p>` : ''}
<form method="post" action="${SANDBOX_BUSY_PATH}" id="busy">
<input type="hidden" name="email" value="${escapeHtml(email)}">
<input type="hidden" name="startIso"><input type="hidden" name="endIso">
<label>Title <input name="summary" value="Dentist" required></label>
<label>Starts <input type="datetime-local" name="start" required></label>
<label>Ends <input type="datetime-local" name="end" required></label>
<button type="submit">Add to the emulated Google calendar</button>
</form>
<script>
document.getElementById('busy').addEventListener('submit', function (e) {
  var f = e.target;
  f.startIso.value = new Date(f.start.value).toISOString();
  f.endIso.value = new Date(f.end.value).toISOString();
});
</script>
</body></html>`;
}

export interface SandboxBusyTarget {
  defaultEmail: string;
  /** Puts a confirmed, opaque meeting into the account's primary calendar. */
  addMeeting(email: string, summary: string, startIso: string, endIso: string): void;
}

export function sandboxBusyPage(req: http.IncomingMessage, res: http.ServerResponse, form: URLSearchParams | null, target: SandboxBusyTarget) {
  const html = (status: number, message: string) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(page(target.defaultEmail, message));
  };
  if (req.method !== 'POST' || !form) return html(200, '');
  const start = Date.parse(form.get('startIso') || `${form.get('start')}Z`);
  const end = Date.parse(form.get('endIso') || `${form.get('end')}Z`);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end <= start) return html(400, 'The end must be after the start.');
  const summary = (form.get('summary') || 'Busy').slice(0, 200);
  target.addMeeting(form.get('email') || target.defaultEmail, summary, new Date(start).toISOString(), new Date(end).toISOString());
  return html(201, `Added “${summary}” (${new Date(start).toISOString()} – ${new Date(end).toISOString()}, UTC). Open an event at that time to see the clash.`);
}
