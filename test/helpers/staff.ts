/** Creating staff through the administrator API (as an administrator would), for access tests. */
import type { FastifyInstance } from 'fastify';
import { STARTER_QUIZ } from '../../src/core/people/starter-training.js';
import { ADMIN, post, signIn, stepUp } from './harness.js';

export interface NewStaff {
  readonly email: string;
  readonly password: string;
  readonly name: string;
  readonly orgRole: 'administrator' | 'dpo' | null;
  readonly clinicRoles: readonly { clinicId: string; role: string }[];
}

/** Create staff members through POST /api/v1/staff (signs the admin in and steps up). Returns their ids. */
export async function createStaffViaApi(app: FastifyInstance, people: readonly NewStaff[]): Promise<string[]> {
  const admin = await signIn(app, ADMIN);
  await stepUp(app, admin, ADMIN.email);
  const ids: string[] = [];
  for (const person of people) {
    const response = await post(app, '/api/v1/staff', admin, person);
    if (response.statusCode !== 201) throw new Error(`staff creation failed: ${response.statusCode} ${response.body}`);
    ids.push((response.json() as { id: string }).id);
  }
  return ids;
}

/** Take the built-in security training through the API and pass it, as a staff member does under My tasks. */
export async function completeTraining(app: FastifyInstance, cookie: string): Promise<void> {
  const modules = (await app.inject({ url: '/api/v1/training/modules', headers: { cookie } })).json<{ id: string }[]>();
  for (const module of modules) {
    const result = await post(app, `/api/v1/training/modules/${module.id}/attempts`, cookie, { answers: STARTER_QUIZ.map((q) => q.answer) });
    if (!result.json<{ passed: boolean }>().passed) throw new Error(`training not passed: ${result.body}`);
  }
}
