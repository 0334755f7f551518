import { OpenAPIHono } from '@hono/zod-openapi';
import { ValidationError } from '../../domain/errors.js';
import type { AuthEnv } from '../auth/principal.js';
import type { z } from '@hono/zod-openapi';
import { problemSchema } from './v1/schemas.js';

/** Small builders for route definitions, so each route reads as method, path, input and output. */
export const jsonContent = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: problemSchema } } });

export const problemResponses = {
  401: problem('missing or wrong credentials'),
  403: problem('needs the admin API key'),
  404: problem('not found (or belongs to another tenant)'),
  409: problem('conflicts with the current state'),
  422: problem('invalid input; `field` names it'),
  429: problem('too many failed logins'),
  503: problem('admin API disabled (no admin.apiKey)'),
} as const;

export const noContent = { 204: { description: 'done' } } as const;

export const anyAuth: Record<string, string[]>[] = [{ basicAuth: [] }, { bearerAuth: [] }];
export const adminAuth: Record<string, string[]>[] = [{ adminBasicAuth: [] }];

/** Sub-apps do not inherit the app's hook: this turns a zod failure into a 422 problem naming the field. */
export const validationHook = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }): void => {
  if (result.success) return;
  const issue = result.error?.issues[0];
  throw new ValidationError(issue?.path.map(String).join('.') || 'body', issue?.message ?? 'invalid request');
};

/** A route module: an OpenAPIHono that knows the principal and reports bad input as 422. */
export const routeModule = () => new OpenAPIHono<AuthEnv>({ defaultHook: validationHook });
