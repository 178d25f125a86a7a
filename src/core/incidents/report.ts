/**
 * The regulator report: every item of GDPR Art. 33(3) and the fields of the
 * ICO's breach report form, as Markdown and as PDF. Counts and categories
 * only: no affected person's personal data is ever in a report.
 */
import PDFDocument from 'pdfkit';
import { CATEGORY_LABELS } from './scope-model.js';

export const REGIMES = ['uk-gdpr', 'eu-gdpr', 'hipaa'] as const;
export type Regime = (typeof REGIMES)[number];

// The incident's stored JSON is declared as `type`, not `interface`: only an object type fits the presenter's loose (index-signed) schemas.

/** What the DPO records about the incident (organisation text; the UI warns not to put personal data in it). */
export type IncidentDetails = {
  readonly whatHappened: string;
  readonly howDiscovered: string;
  readonly likelyConsequences: string;
  readonly measuresBefore: string;
  readonly measuresAfter: string;
  readonly staffInvolved: boolean;
  readonly staffTraining: string;
  readonly contactPoint: string;
  readonly lateReason?: string;
};

export type HipaaAssessment = {
  readonly natureAndExtent: string;
  readonly unauthorisedPerson: string;
  readonly acquiredOrViewed: string;
  readonly mitigation: string;
  readonly lowProbabilityOfCompromise: boolean;
};

export type Assessment = {
  readonly art34NoticeRequired: boolean;
  readonly unintelligible: number;
  readonly intelligible: number;
  readonly reasoning: string;
  readonly hipaa?: HipaaAssessment;
  readonly usStateCounts?: Record<string, number>;
};

export type Decision = {
  readonly notifyRegulator: boolean;
  readonly notifyIndividuals: boolean;
  readonly reasons: string;
  readonly decidedAt: string;
  readonly decidedBy: string;
};

export interface ReportInput {
  readonly organisation: string;
  readonly incident: { readonly id: string; readonly title: string; readonly regime: Regime; readonly awareAt: string; readonly occurredFrom: string | null; readonly occurredTo: string | null; readonly details: IncidentDetails };
  readonly scope: { readonly persons: number; readonly records: number; readonly categories: Record<string, number>; readonly patients: number; readonly enquirers: number } | undefined;
  readonly assessment: Assessment | undefined;
  readonly decision: Decision | undefined;
  readonly timeline: readonly { readonly at: string; readonly kind: string; readonly detail: string }[];
  readonly kind: 'initial' | 'follow-up';
  readonly version: number;
  readonly generatedAt: string;
}

/** The regulator's clock: 72 hours from awareness (GDPR Art. 33(1)); 60 days for HIPAA individual and HHS notice. */
export function deadlineOf(regime: string, awareAt: string): string {
  const hours = regime === 'hipaa' ? 60 * 24 : 72;
  return new Date(Date.parse(awareAt) + hours * 3_600_000).toISOString();
}

const REGIME_NAMES: Record<Regime, string> = { 'uk-gdpr': 'UK GDPR (report to the ICO)', 'eu-gdpr': 'EU GDPR (report to the lead supervisory authority)', hipaa: 'HIPAA Breach Notification Rule (45 CFR 164.400-414)' };

const para = (text: string) => (text.trim() === '' ? '_Not yet recorded._' : text.trim());

export function renderReportMarkdown(input: ReportInput): string {
  const { incident, scope, assessment, decision } = input;
  const d = incident.details;
  const deadline = deadlineOf(incident.regime, incident.awareAt);
  const late = Date.parse(input.generatedAt) > Date.parse(deadline);
  const lines: string[] = [];
  const section = (title: string, ...body: string[]) => lines.push(`## ${title}`, ...body, '');
  lines.push(`# Personal data breach report: ${incident.title}`);
  lines.push('');
  lines.push(`- Report: ${input.kind} report, version ${input.version}, generated ${input.generatedAt} (UTC)`);
  lines.push(`- Organisation (controller): ${input.organisation}`);
  lines.push(`- Regime: ${REGIME_NAMES[incident.regime]}`);
  lines.push(`- Incident reference: ${incident.id}`);
  lines.push('');
  section('1. What happened', para(d.whatHappened));
  section('2. How the breach was discovered', para(d.howDiscovered));
  lines.push('## 3. When it happened and when it was discovered');
  lines.push(`- Occurred: ${incident.occurredFrom ?? 'not yet known'} to ${incident.occurredTo ?? 'not yet known'} (UTC)`);
  lines.push(`- Discovered (controller aware): ${incident.awareAt} (UTC)`);
  lines.push(`- Deadline to notify the regulator: ${deadline} (UTC) (${incident.regime === 'hipaa' ? '60 days' : '72 hours'} after awareness)`);
  lines.push(`- This report is ${late ? `LATE. Reasons for the delay: ${para(d.lateReason ?? '')}` : 'within the deadline'}`);
  lines.push('');
  lines.push('## 4. Categories of personal data concerned');
  if (scope && Object.keys(scope.categories).length > 0) {
    for (const [category, count] of Object.entries(scope.categories)) lines.push(`- ${CATEGORY_LABELS[category] ?? category}: ${count} people`);
  } else lines.push('_Scope not yet computed._');
  lines.push('');
  section('5. Categories of data subjects concerned', scope ? `- Patients: ${scope.patients}\n- Prospective patients who made an enquiry (not patients): ${scope.enquirers}` : '_Scope not yet computed._');
  section('6. Approximate numbers', scope ? `- Data subjects: ${scope.persons}\n- Personal data records: ${scope.records}` : '_Scope not yet computed._');
  section('7. Likely consequences for the people concerned', para(d.likelyConsequences));
  lines.push('## 8. Encryption and the assessment of risk to individuals');
  if (assessment) {
    lines.push(`- Data subjects whose exposed data stayed encrypted under keys that were not exposed (unintelligible, Art. 34(3)(a)): ${assessment.unintelligible}`);
    lines.push(`- Data subjects whose data was exposed in intelligible form: ${assessment.intelligible}`);
    lines.push(`- Communication to the data subjects required under Art. 34: ${assessment.art34NoticeRequired ? 'yes' : 'no'}`);
    lines.push(`- Reasoning: ${assessment.reasoning}`);
  } else lines.push('_Assessment not yet recorded._');
  lines.push('');
  section('9. Measures in place before the breach', para(d.measuresBefore));
  lines.push('## 10. Measures taken or proposed to address the breach and mitigate its effects');
  lines.push(para(d.measuresAfter));
  const containment = input.timeline.filter((t) => t.kind.startsWith('containment') || t.kind === 'notices.queued' || t.kind === 'evidence.export');
  for (const step of containment) lines.push(`- ${step.at}: ${step.detail}`);
  lines.push('');
  section('11. Staff involvement and training', `- Staff involved: ${d.staffInvolved ? 'yes' : 'no'}`, `- Training: ${para(d.staffTraining)}`);
  section('12. Contact point for more information (data protection officer)', para(d.contactPoint));
  lines.push('## 13. Decisions and their reasons (breach register, Art. 33(5))');
  if (decision) {
    lines.push(`- Regulator notified: ${decision.notifyRegulator ? 'yes' : 'no'}`);
    lines.push(`- Individuals notified: ${decision.notifyIndividuals ? 'yes' : 'no'}`);
    lines.push(`- Reasons: ${decision.reasons}`);
    lines.push(`- Decided: ${decision.decidedAt} (UTC)`);
  } else lines.push('_No decision recorded yet._');
  if (incident.regime === 'hipaa') {
    lines.push('');
    lines.push('## 14. HIPAA');
    const h = assessment?.hipaa;
    lines.push('Four-factor risk assessment (45 CFR 164.402(2)):');
    lines.push(`- (i) Nature and extent of the PHI involved: ${para(h?.natureAndExtent ?? '')}`);
    lines.push(`- (ii) The unauthorised person who used or received it: ${para(h?.unauthorisedPerson ?? '')}`);
    lines.push(`- (iii) Whether the PHI was actually acquired or viewed: ${para(h?.acquiredOrViewed ?? '')}`);
    lines.push(`- (iv) The extent to which the risk has been mitigated: ${para(h?.mitigation ?? '')}`);
    lines.push(`- Low probability that the PHI has been compromised: ${h ? (h.lowProbabilityOfCompromise ? 'yes (no notification required)' : 'no (notification required)') : 'not assessed'}`);
    const total = scope?.persons ?? 0;
    lines.push(`- HHS: ${total >= 500 ? 'notify the Secretary within 60 days of discovery (500 or more individuals)' : 'log and report to the Secretary within 60 days of the end of the calendar year (fewer than 500 individuals)'}`);
    // 45 CFR 164.406: media notice where more than 500 residents of a State or jurisdiction are affected.
    const states = Object.entries(assessment?.usStateCounts ?? {}).filter(([state, n]) => state !== 'unknown' && n > 500);
    lines.push(`- Media notice (more than 500 residents of a State or jurisdiction): ${states.length > 0 ? states.map(([s, n]) => `${s} (${n})`).join(', ') : 'not required'}`);
    lines.push('- Individual notices state: what happened and when; the types of PHI involved; steps individuals should take; what we are doing; contact procedures (toll-free number, e-mail, website or postal address).');
  }
  lines.push('');
  lines.push('_This report contains no personal data of the people affected: counts and categories only._');
  return `${lines.join('\n')}\n`;
}

/** Text the PDF's standard fonts can draw (WinAnsi): typographic characters mapped, anything else replaced. */
function latin(text: string): string {
  return text
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[–—]/g, '-')
    .replace(/≥/g, '>=')
    .replace(/≤/g, '<=')
    .replace(/→/g, '->')
    .replace(/…/g, '...')
    .replace(/[^\t\n\u0020-\u007e\u00a0-\u00ff]/g, '?');
}

/** Render the report's Markdown (headings, bullets, paragraphs) as a PDF. */
export function renderReportPdf(markdown: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: 'Personal data breach report', Producer: 'Tacet' } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const raw of markdown.split('\n')) {
    const line = latin(raw).replace(/_/g, '');
    if (line.startsWith('# ')) doc.font('Helvetica-Bold').fontSize(16).text(line.slice(2)).moveDown(0.5);
    else if (line.startsWith('## ')) doc.moveDown(0.4).font('Helvetica-Bold').fontSize(12).text(line.slice(3)).moveDown(0.2);
    else if (line.startsWith('- ')) doc.font('Helvetica').fontSize(10).text(`-  ${line.slice(2)}`, { indent: 8 });
    else if (line.trim() === '') doc.moveDown(0.3);
    else doc.font('Helvetica').fontSize(10).text(line);
  }
  doc.end();
  return done;
}
