/**
 * A small RFC 4180 reader for the price catalogs (SkyPilot's `vms.csv`): comma-separated,
 * fields optionally in double quotes (a quote inside doubled), rows ended by LF or CRLF. Lambda's
 * rows quote a `GpuInfo` field full of commas, so splitting on commas is not enough. Pure.
 */

/** A CSV file read into its header and rows of the same length. */
export interface CsvTable {
  /** The first row: column names, trimmed. */
  readonly header: readonly string[];
  /** Every later non-empty row, each with `header.length` fields. */
  readonly rows: readonly (readonly string[])[];
}

/** Why a text is not a well-formed CSV table: 1-based line and what is wrong. */
export interface CsvProblem {
  /** Line of the text (1-based) where the problem is. */
  readonly line: number;
  /** What is wrong, in words. */
  readonly problem: string;
}

/**
 * Reads `text` as a CSV table. Every row must have as many fields as the header (a row cut short
 * is how a partial download shows). Empty lines are skipped.
 *
 * @returns the table, or the first problem found.
 */
export function parseCsv(text: string): CsvTable | CsvProblem {
  const records: { readonly line: number; readonly fields: string[] }[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  const endRecord = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === "")) records.push({ line: recordLine, fields });
    fields = [];
    field = "";
  };
  for (let index = 0; index < text.length; index += 1) {
    const char = text.charAt(index);
    if (quoted) {
      if (char === '"') {
        if (text[index + 1] === '"') {
          field += '"';
          index += 1;
        } else quoted = false;
      } else {
        if (char === "\n") line += 1;
        field += char;
      }
    } else if (char === '"') {
      if (field !== "") return { line, problem: "a quote in the middle of an unquoted field" };
      quoted = true;
    } else if (char === ",") {
      fields.push(field);
      field = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[index + 1] === "\n") index += 1;
      endRecord();
      line += 1;
      recordLine = line;
    } else field += char;
  }
  if (quoted) return { line, problem: "a quoted field is not closed (is the file cut short?)" };
  endRecord();
  const [first, ...rest] = records;
  if (first === undefined) return { line: 1, problem: "the file is empty" };
  const header = first.fields.map((name) => name.trim());
  for (const record of rest) {
    if (record.fields.length !== header.length) {
      return {
        line: record.line,
        problem: `${record.fields.length} fields where the header has ${header.length} (is the file cut short?)`,
      };
    }
  }
  return { header, rows: rest.map((record) => record.fields) };
}

/** Whether {@link parseCsv} returned a problem rather than a table. */
export function isCsvProblem(result: CsvTable | CsvProblem): result is CsvProblem {
  return "problem" in result;
}
