/** Path and body schemas shared by the routes; business rules come from src/domain. */
import { z } from 'zod';
import { isoQuarter, slug } from '../domain';

/** `{mechanismId}` in a path. */
export const MechanismParams = z.object({ mechanismId: slug });
/** `{mechanismId}/cycles/{quarter}` in a path. */
export const CycleParams = MechanismParams.extend({ quarter: isoQuarter });
/** `.../projects/{projectId}` in a path. */
export const ProjectParams = MechanismParams.extend({ projectId: slug });
/** `.../cycles/{quarter}/projects/{projectId}` in a path. */
export const CycleProjectParams = CycleParams.extend({ projectId: slug });
/** A JSON answer we do not describe field by field (it comes from the workflow). */
export const Decided = z.object({ accepted: z.literal(true), result: z.unknown().optional() });
/** The security requirement every /api/v1 route declares. */
export const bearer = [{ bearerAuth: [] as string[] }];
