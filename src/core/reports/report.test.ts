import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_STAGES } from '../pipeline/stages.js';
import { buildReport } from './report.js';

describe('report figures', () => {
  it('counts a lost enquiry as reaching its furthest open stage, never beyond, and takes the current stage when it is further', () => {
    const row = { clinic_id: 'c1', channel: 'google', lost_reason: null, answered: 0, within_sla: 0, sla_decided: 0 };
    const { total } = buildReport({
      stages: DEFAULT_STAGES,
      grouping: 'clinic',
      clinicOrder: ['c1'],
      percentiles: [],
      totalPercentiles: undefined,
      counts: [
        { ...row, furthest_stage: 'consultation_booked', status: 'lost', lost_reason: 'price', count: 2 },
        // An older path set only the status.
        { ...row, furthest_stage: null, status: 'treatment_booked', count: 1 },
        { ...row, furthest_stage: null, status: 'new', count: 3 },
      ],
    });
    assert.deepEqual(
      total.stages.map((s) => [s.key, s.reached]),
      [
        ['new', 6],
        ['contacted', 3],
        ['consultation_booked', 3],
        ['consultation_attended', 1],
        ['treatment_booked', 1],
        ['won', 0],
      ],
    );
    assert.deepEqual(total.lost, { total: 2, reasons: [{ code: 'price', count: 2 }] });
    assert.equal(total.stages[1]?.share, 0.5);
  });

  it('answers nulls rather than zeros when nothing was received or answered', () => {
    const { total, groups } = buildReport({ stages: DEFAULT_STAGES, grouping: 'both', clinicOrder: [], percentiles: [], totalPercentiles: undefined, counts: [] });
    assert.deepEqual(groups, []);
    assert.equal(total.firstResponse.medianSeconds, null);
    assert.equal(total.firstResponse.withinSlaShare, null);
    assert.equal(total.stages[0]?.share, null);
  });
});
