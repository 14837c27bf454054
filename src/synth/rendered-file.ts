/**
 * How one record's files reach the map synth writes: the renderer calls `emit`
 * for each file in order. Rendering on another thread replays the same calls
 * (and then the same error, if the record failed part-way), so a clash or a
 * refusal surfaces at exactly the record and file it would on one thread.
 */
export type EmitFile = (name: string, text: string) => void;

/** One record's rendering for one target, run on this thread or replayed from another. */
export type RecordRender = (emit: EmitFile) => void;
