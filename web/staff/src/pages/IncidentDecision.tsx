/** Step 3 of an incident: the assessment (Art. 34(3)(a), or HIPAA's four factors) and the decision whether to notify, with its reasons. */
import type { Incident } from '../api-types.js';

/** One call for an incident step; the page then reloads the incident and its notice counts. `after` sees the response. */
export type IncidentAct = (method: 'POST' | 'PUT', url: string, body?: unknown, after?: (response: unknown) => void) => void;

export function AssessmentAndDecision(props: { incident: Incident; busy: boolean; act: IncidentAct }) {
  const { incident, busy, act } = props;
  const base = `/api/v1/incidents/${incident.id}`;
  return (
    <section>
      <h2>3. Assessment and decision</h2>
      {incident.regime === 'hipaa' ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const data = new FormData(event.currentTarget);
            const text = (name: string) => String(data.get(name) ?? '');
            act('POST', `${base}/assessment`, { hipaa: { natureAndExtent: text('natureAndExtent'), unauthorisedPerson: text('unauthorisedPerson'), acquiredOrViewed: text('acquiredOrViewed'), mitigation: text('mitigation'), lowProbabilityOfCompromise: data.get('lowProbability') === 'on' } });
          }}
        >
          <p className="hint">HIPAA four-factor risk assessment (45 CFR 164.402(2)). Counting residents per state opens addresses: re-authentication is required.</p>
          {(
            [
              ['natureAndExtent', '(i) Nature and extent of the PHI involved'],
              ['unauthorisedPerson', '(ii) The unauthorised person who used or received it'],
              ['acquiredOrViewed', '(iii) Whether it was actually acquired or viewed'],
              ['mitigation', '(iv) The extent to which the risk has been mitigated'],
            ] as const
          ).map(([name, label]) => (
            <span key={name} className="field">
              <label htmlFor={name}>{label}</label>
              <textarea id={name} name={name} required maxLength={3000} />
            </span>
          ))}
          <label className="check">
            <input type="checkbox" name="lowProbability" /> Low probability that the PHI has been compromised
          </label>
          <button type="submit" disabled={busy || !incident.scope}>
            Assess
          </button>
        </form>
      ) : (
        <button type="button" disabled={busy || !incident.scope} onClick={() => act('POST', `${base}/assessment`, {})}>
          Assess (Art. 34(3)(a))
        </button>
      )}
      {incident.assessment && (
        <p className="notice">
          Notices to individuals {incident.assessment.art34NoticeRequired ? 'required' : 'not required'}. {incident.assessment.reasoning}
        </p>
      )}
      {/* Remounted when the assessment or decision changes, so its defaults follow them (a mounted checkbox keeps its first default). */}
      <form
        key={`${String(incident.assessment?.art34NoticeRequired)}|${incident.assessment?.intelligible ?? ''}|${incident.decision?.reasons ?? ''}`}
        onSubmit={(event) => {
          event.preventDefault();
          const data = new FormData(event.currentTarget);
          act('POST', `${base}/decision`, { notifyRegulator: data.get('notifyRegulator') === 'on', notifyIndividuals: data.get('notifyIndividuals') === 'on', reasons: String(data.get('reasons')) });
        }}
      >
        <label className="check">
          <input type="checkbox" name="notifyRegulator" defaultChecked={incident.decision?.notifyRegulator ?? true} /> Notify the regulator
        </label>
        <label className="check">
          <input type="checkbox" name="notifyIndividuals" defaultChecked={incident.assessment?.art34NoticeRequired === true || (incident.decision?.notifyIndividuals ?? false)} /> Notify the people affected
        </label>
        <label htmlFor="reasons">Reasons (kept in the breach register)</label>
        <textarea id="reasons" name="reasons" required minLength={10} defaultValue={incident.decision?.reasons ?? ''} />
        <button type="submit" disabled={busy}>
          Record decision
        </button>
      </form>
    </section>
  );
}
