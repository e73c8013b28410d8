// Typed errors of the membership library: a stable code per failure so callers never match on text.

export type MembershipErrorCode =
  | 'INVALID_OPTIONS' // constructor options rejected (id too long, bad key size, bad seed address)
  | 'NOT_RUNNING' // operation needs start() first
  | 'ENCODE' // a message could not be encoded (field out of range)
  | 'PUSH_PULL' // a push-pull exchange failed (timeout, refused, dropped reply)
  | 'TRANSPORT'; // socket-level failure (bind, connect, frame too large)

export class MembershipError extends Error {
  constructor(
    readonly code: MembershipErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MembershipError';
  }
}
