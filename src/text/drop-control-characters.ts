/**
 * C0 controls except tab, line feed and carriage return, DEL, and the C1 controls. No record
 * field, watch name or summary needs one, and in output they do harm: NUL and most C0 controls
 * make an HTML page a parse error (browsers differ on what they show), an ESC in a plain-text
 * email is a terminal escape sequence, and some mail servers refuse messages that carry them.
 */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** The text without control characters; the one place pages and emails drop them (last, on the finished output). */
export function dropControlCharacters(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '');
}
