/**
 * A bound on work in flight: at most `max` holders at once; the next one is refused at once
 * (no queue that could grow without end). Photo searches hold a place from the first byte of
 * their upload until the model has answered, so memory stays within max × UPLOAD_MAX_BYTES.
 */
export function createAdmission(max: number) {
  let inside = 0;
  return {
    /** a release function, or null when full */
    tryEnter(): (() => void) | null {
      if (inside >= max) return null;
      inside++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inside--;
      };
    },
    get inside() {
      return inside;
    },
  };
}

export type Admission = ReturnType<typeof createAdmission>;
