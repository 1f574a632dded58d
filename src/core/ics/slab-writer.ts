import { textLineBound, writeTextLine } from './text.ts';

/**
 * Writes VEVENTs as UTF-8 straight into slabs, so no event is built as a string and encoded
 * afterwards. `mark` is where the event being written began: when a slab fills up mid-event,
 * that part moves to a fresh slab, so each event's bytes are one range (the cache keeps it as a
 * view). Writers check room before writing (`room`), with an upper bound of what they write.
 */
export class SlabWriter {
  buf = Buffer.allocUnsafeSlow(0);
  pos = 0;
  mark = 0;
  private readonly slabSize: number;
  constructor(slabSize: number) {
    this.slabSize = slabSize;
  }

  room(octets: number): void {
    if (this.buf.length - this.pos < octets) this.grow(octets);
  }

  private grow(octets: number): void {
    const part = this.pos - this.mark;
    const next = Buffer.allocUnsafeSlow(Math.max(this.slabSize, (part + octets) * 2));
    this.buf.copy(next, 0, this.mark, this.pos);
    this.buf = next;
    this.pos = part;
    this.mark = 0;
  }

  /** A string known to be ASCII (names, dates, numbers): one octet per unit. */
  ascii(s: string): void {
    this.room(s.length);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
    this.pos = pos;
  }

  /** Any string: ASCII copied here, the rest from its first non-ASCII unit by Buffer#write. */
  utf8(s: string): void {
    this.room(s.length * 3);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < s.length; i++) {
      const code = s.charCodeAt(i);
      if (code >= 0x80) {
        this.pos = pos + buf.write(i === 0 ? s : s.slice(i), pos, 'utf8');
        return;
      }
      buf[pos++] = code;
    }
    this.pos = pos;
  }

  /** `textLine(name, value)` and its CRLF. */
  textLine(name: string, value: string): void {
    this.room(textLineBound(name, value) + 2);
    const pos = writeTextLine(this.buf, this.pos, name, value);
    this.buf[pos] = 0x0d;
    this.buf[pos + 1] = 0x0a;
    this.pos = pos + 2;
  }
}
