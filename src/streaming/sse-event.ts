/** One server-sent event as read from an upstream or written to a client. */
export type SseEvent = { event?: string; data: string };
