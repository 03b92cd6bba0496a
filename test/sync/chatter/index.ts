/**
 * Chatter, a made-up chat tool, as a connector: what a new source's folder holds, at its smallest. Its API is
 * an in-memory list of room messages, served one message a page so the cursor moves; `map` turns each into a
 * chat message and its author.
 */
import { z } from "zod";
import { defineConnector, type JsonValue, type RawRecord } from "../../../connectors/types.ts";
import { chatterAbout } from "./about.ts";

const ChatterMessageSchema = z.object({
  id: z.string(),
  room: z.string(),
  thread: z.string().nullable(),
  at: z.iso.datetime(),
  text: z.string(),
  user: z.object({ id: z.string(), name: z.string(), email: z.string() }),
});
export type ChatterMessage = z.infer<typeof ChatterMessageSchema>;

const CursorSchema = z.object({ next: z.number().int().min(0) });

/** A Chatter connector over `messages`, the whole history of every room. */
export function createChatterConnector(messages: readonly ChatterMessage[]) {
  return defineConnector({
    id: "chatter",
    about: chatterAbout,
    fromEnv: (env) => (env.CHATTER_TOKEN ? { rooms: (env.CHATTER_ROOMS ?? "general").split(",") } : null),
    listScopes: async (settings) => settings.rooms,
    async *pull(request) {
      const inRoom = messages.filter((m) => m.room === request.scope);
      const saved = CursorSchema.safeParse(request.cursors.messages);
      for (let next = saved.success ? saved.data.next : 0; next < inRoom.length; next++) {
        const message: JsonValue = { ...inRoom[next]! };
        yield {
          stream: "messages",
          records: [{ type: "message", data: message }],
          cursor: { next: next + 1 },
        };
      }
    },
    map(record: RawRecord) {
      const m = ChatterMessageSchema.parse(record.data);
      const author = { source: "chatter", externalId: m.user.id };
      return {
        identities: [
          { ...author, displayName: m.user.name, email: m.user.email, isGuest: false, isBot: false },
        ],
        items: [
          {
            externalId: m.id,
            kind: "chat_message",
            author,
            at: new Date(m.at),
            text: m.text,
            url: `https://chatter.example/${m.room}/${m.id}`,
            threadId: m.thread ? `${m.room}:${m.thread}` : null,
            meta: {},
            parentTaskKey: null,
            editedAt: null,
          },
        ],
      };
    },
    webhook: {
      verify: async () => false,
      parse: () => ({ type: "ignore", reason: "Chatter sends no pushes" }),
    },
  });
}
