// A Node.js ATS calling cx-rules over HTTP with fetch, as the service guide shows.
// Usage: node client.mjs BASE_URL TOKEN; prints one JSON line of what it saw.
const [base, token] = process.argv.slice(2);
const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };

async function call(method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

const caseId = "node-ats-1";
const received = await call("POST", `/v1/cases/${caseId}/events`, {
  activity: "application_received",
  timestamp: "2026-03-02T09:00:00+01:00",
  event_id: "n1",
  channel: "portal",
});
const acknowledged = await call("POST", `/v1/cases/${caseId}/events`, {
  activity: "application_acknowledged",
  timestamp: "2026-03-02T09:30:00+01:00",
  event_id: "n2",
  channel: "E-mail",
});
const repeat = await call("POST", `/v1/cases/${caseId}/events`, {
  activity: "application_received",
  timestamp: "2026-03-02T09:00:00+01:00",
  event_id: "n1",
  channel: "portal",
});
const unknown = await call("POST", `/v1/cases/${caseId}/events`, {
  activity: "aplication_received",
  timestamp: "2026-03-02T09:00:00+01:00",
});
const read = await call("GET", `/v1/cases/${caseId}`);
const due = await call("GET", `/v1/due?now=${encodeURIComponent("2026-03-30T00:00:00Z")}`);
console.log(
  JSON.stringify({
    statuses: [received.status, acknowledged.status, repeat.status, unknown.status],
    duplicate: repeat.body.duplicate,
    unknown: unknown.body.error,
    suggestions: unknown.body.suggestions,
    state: read.body.state,
    events: read.body.events,
    channel_findings: acknowledged.body.findings.map((f) => f.code),
    due: due.body.items.map((d) => d.code),
  }),
);
