/** Time in the incident pages: the regulator-deadline clock, and form times (datetime-local) as ISO. */
import { useEffect, useState } from 'react';
import { formatWhen } from '../api.js';

export /** Time left to the regulator deadline, updated every 30 seconds. */
function Clock(props: { deadline: string }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const left = Date.parse(props.deadline) - now;
  const hours = Math.floor(Math.abs(left) / 3_600_000);
  const minutes = Math.floor((Math.abs(left) % 3_600_000) / 60_000);
  return (
    <strong className={left < 0 ? 'overdue' : left < 12 * 3_600_000 ? 'due-soon' : ''} role="timer">
      {left < 0 ? `Overdue by ${hours} h ${minutes} min` : `${hours} h ${minutes} min left`} (deadline {formatWhen(props.deadline)})
    </strong>
  );
}

/** A datetime-local form value as an ISO timestamp (undefined when empty). */
export const toIso = (local: FormDataEntryValue | null) => (local ? new Date(String(local)).toISOString() : undefined);
