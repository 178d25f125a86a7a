/** Retention for the DPO: the schedule, what will be shredded now and soon, runs, and running it now. */
import { api, formatWhen } from '../api.js';
import type { RetentionView } from '../api-types.js';
import { useAction, useResource } from '../hooks.js';
import { ErrorText } from '../components/ErrorText.js';
import { Table } from '../components/Table.js';

export function RetentionPage() {
  const { data, error, setError, reload } = useResource<RetentionView>('/api/v1/retention');
  const { busy, run } = useAction(setError);
  const act = (work: Promise<unknown>) => void run(work.then(reload));
  return (
    <>
      <h1>Retention</h1>
      <p>Expired people are crypto-shredded: their keys are deleted first, so nothing of theirs can be decrypted again, then their records and photos. People on legal hold are kept.</p>
      <ErrorText error={error} />
      <Table
        headings={['Data', 'Keep for (months)', 'Due now', 'Due in the next 30 days']}
        rows={(data?.schedule ?? []).map((rule) => ({
          key: rule.category,
          cells: [
            rule.label,
            <form
              className="row"
              onSubmit={(event) => {
                event.preventDefault();
                act(api('PUT', '/api/v1/retention/rules', { category: rule.category, months: Number(new FormData(event.currentTarget).get('months')) }));
              }}
            >
              <label htmlFor={`months-${rule.category}`} className="visually-hidden">
                Months for {rule.category}
              </label>
              <input id={`months-${rule.category}`} name="months" type="number" min={1} max={600} defaultValue={rule.months} />
              <button type="submit" className="secondary" disabled={busy}>
                Save
              </button>
            </form>,
            data?.upcoming[rule.category]?.now ?? 0,
            data?.upcoming[rule.category]?.next ?? 0,
          ],
        }))}
      />
      <button type="button" disabled={busy} onClick={() => act(api('POST', '/api/v1/retention/run'))}>
        Run retention now
      </button>
      <h2>Recent runs</h2>
      <Table
        headings={['Started', 'Finished', 'Shredded', 'On legal hold']}
        rows={(data?.runs ?? []).map((run) => ({ key: run.id, cells: [formatWhen(run.startedAt), formatWhen(run.finishedAt), Object.entries(run.shredded).map(([c, n]) => `${c}: ${n}`).join(' · '), run.held] }))}
      />
    </>
  );
}
