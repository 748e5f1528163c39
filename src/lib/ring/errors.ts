/**
 * Refusals and malformed input. A refusal mirrors a kernel error return: the errno's name plus a
 * plain-words reason. A malformed scenario is not a kernel refusal: it is reported with the JSON
 * path of the offending value.
 */

export type Errno =
	| 'EINVAL'
	| 'EBUSY'
	| 'EPERM'
	| 'EACCES'
	| 'ENOMEM'
	| 'ENODEV'
	| 'EAGAIN'
	| 'ENOTTY'
	| 'EOPNOTSUPP';

/** Thrown inside an operation before it changes anything; turned into a refused result. */
export class Refusal extends Error {
	constructor(
		readonly errno: Errno,
		message: string
	) {
		super(message);
	}
}

/** Thrown for a scenario or step that does not match the format, with the JSON path of the value. */
export class FormatError extends Error {
	constructor(
		readonly path: string,
		readonly reason: string
	) {
		super(`${path}: ${reason}`);
	}
}

export function refuse(errno: Errno, message: string): never {
	throw new Refusal(errno, message);
}
