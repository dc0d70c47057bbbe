/** One server-sent event as read from an upstream or written to a client. */
export type SseEvent = { event?: string; data: string };

/**
 * The longest event a reader holds while it waits for the event's end, in characters (32 Mi): far above any real
 * event (a base64 image in one Gemini event is a few MB), low enough that an upstream sending one endless line fails
 * its stream instead of filling the gateway's memory.
 */
export const MAX_SSE_EVENT_LENGTH = 32 * 1024 * 1024;
