/** The playbook's and the configuration's duration fields (domain/durations.ts parses them; plain, for the workflow sandbox). */
import { z } from 'zod';
import { DURATION, parseDuration } from './durations.js';

export const durationSchema = z
  .string()
  // abort: zod v4 runs later checks after a failed one, and parseDuration throws on a non-duration,
  // which would escape safeParse instead of naming the field.
  .regex(DURATION, { message: 'expected a duration such as "3s", "30m", "1h" or "5d"', abort: true })
  .refine((text) => parseDuration(text) > 0, 'expected a duration longer than zero');
