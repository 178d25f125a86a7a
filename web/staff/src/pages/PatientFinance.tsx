/** A patient's invoices and payments: raising an invoice, recording a card payment of the balance. */
import { api, formatWhen } from '../api.js';
import type { PatientFinancial } from '../api-types.js';
import { ErrorText } from '../components/ErrorText.js';
import { Table } from '../components/Table.js';
import { useAction, useResource } from '../hooks.js';

const money = (minor: number, currency: string) => new Intl.NumberFormat('en-GB', { style: 'currency', currency }).format(minor / 100);

export function Finance(props: { patientId: string; canWrite: boolean }) {
  const { data: record, error, setError, reload: load } = useResource<PatientFinancial>(`/api/v1/patients/${props.patientId}/financial`);
  const { run } = useAction(setError);
  return (
    <section>
      <h2>Invoices and payments</h2>
      <ErrorText error={error} />
      {record && record.invoices.length === 0 && <p>No invoices.</p>}
      {record && record.invoices.length > 0 && (
        <Table
          rows={record.invoices.map((i) => ({
            key: i.id,
            cells: [
              formatWhen(i.issuedAt),
              i.lines.map((l) => l.description).join(', '),
              money(i.totalMinor, i.currency),
              `${i.status} (${money(i.paidMinor, i.currency)} paid)`,
              props.canWrite && i.paidMinor < i.totalMinor && (
                <button type="button" className="secondary" onClick={() => void run(api('POST', `/api/v1/invoices/${i.id}/payments`, { amountMinor: i.totalMinor - i.paidMinor, method: 'card' }).then(load))}>
                  Record card payment of the balance
                </button>
              ),
            ],
          }))}
        />
      )}
      {props.canWrite && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            void run(api('POST', `/api/v1/patients/${props.patientId}/invoices`, { currency: 'GBP', lines: [{ description: String(data.get('description')), amountMinor: Math.round(Number(data.get('amount')) * 100) }] }).then(load));
          }}
        >
          <label htmlFor="description">Invoice for</label>
          <input id="description" name="description" required maxLength={200} />
          <label htmlFor="amount">Amount (£)</label>
          <input id="amount" name="amount" type="number" min={0} step="0.01" required />
          <button type="submit">Raise invoice</button>
        </form>
      )}
    </section>
  );
}
