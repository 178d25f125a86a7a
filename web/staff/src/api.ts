/** The staff UI's only way to the server: same-origin JSON, cookies sent automatically. */
import type { ApiErrorBody } from './api-types.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
  ) {
    super(body.message);
  }
}

export async function api<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json().catch(() => ({}))) as { error?: ApiErrorBody };
  if (!response.ok) throw new ApiError(response.status, json.error ?? { code: 'INTERNAL', message: 'Something went wrong.' });
  return json as T;
}

/** Words for password policy reasons (codes from the server). */
export const PASSWORD_REASONS: Record<string, string> = {
  'too-short': 'is too short',
  'too-long': 'is too long (at most 128 characters)',
  common: 'is on a list of common or breached passwords',
  repetitive: 'is mostly one repeated character or pattern',
  sequential: 'is a simple sequence',
  context: 'contains your name, email, the clinic or organisation name, or the product name',
  guessable: 'is easy to guess; a few unrelated, uncommon words make a strong password',
  'guessable-personal': 'is easy to guess: it is built on your name, email, the clinic or organisation name',
  'guessable-keyboard': 'is easy to guess: it follows a keyboard pattern (like qwerty or 1qaz2wsx)',
  'guessable-date': 'is easy to guess: years and dates (like a birth year) add little',
  'guessable-repeat': 'is easy to guess: it repeats a word or pattern',
  'guessable-sequence': 'is easy to guess: it contains a simple sequence (like 1234 or abcd)',
  'guessable-common': 'is easy to guess: it is made of common passwords, words or names with a few digits or symbols',
};

export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.body.code === 'PASSWORD_REJECTED' && error.body.fields) return `The password ${error.body.fields.map((f) => PASSWORD_REASONS[f] ?? f).join('; it ')}.`;
    return error.body.message;
  }
  if (error instanceof Error && error.name === 'NotAllowedError') return 'The passkey prompt was cancelled or timed out.';
  return 'Something went wrong. Please try again.';
}

/** A UTC timestamp as staff read it (local time, medium date, short time); '—' when absent. */
export function formatWhen(iso: string | null): string {
  return iso ? new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : '—';
}
