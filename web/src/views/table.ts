// A table whose column headers sort it (buttons, so the keyboard sorts too; aria-sort says how),
// inside a scroll box that keeps wide tables usable on a phone.
import { h } from "../dom.js";

/** One column: its header, how to read a row's value for sorting, and how to show it. */
export interface Column<Row> {
  readonly id: string;
  readonly label: string;
  /** The value sorted on; `null` sorts last. */
  readonly value: (row: Row) => number | string | null;
  /** The cell's content (default: the value). */
  readonly cell?: ((row: Row) => Node | string) | undefined;
  /** Right-aligned figures. */
  readonly numeric?: boolean | undefined;
}

/** A sort: a column id and a direction. */
export interface Sort {
  readonly column: string;
  readonly descending: boolean;
}

/** Parses "column" or "-column" (descending); `null` for the table's own order. */
export function parseSort(text: string): Sort | null {
  if (text === "") return null;
  return text.startsWith("-")
    ? { column: text.slice(1), descending: true }
    : { column: text, descending: false };
}

/** The table, rows sorted by `sort`; clicking a header calls `onSort` with the next sort text. */
export function sortableTable<Row>(options: {
  readonly caption: string;
  readonly rows: readonly Row[];
  readonly columns: readonly Column<Row>[];
  readonly sort: Sort | null;
  readonly onSort: (sort: string) => void;
  readonly rowAttributes?: ((row: Row) => Record<string, string>) | undefined;
}): HTMLElement {
  const { columns, sort } = options;
  const column = columns.find((candidate) => candidate.id === sort?.column);
  const rows =
    column === undefined || sort === null ? [...options.rows] : sorted(options.rows, column, sort);
  const head = h(
    "tr",
    {},
    ...columns.map((col) => {
      const active = col.id === column?.id;
      const direction = active ? (sort?.descending === true ? "descending" : "ascending") : "none";
      const next = active && sort?.descending !== true ? `-${col.id}` : col.id;
      return h(
        "th",
        {
          scope: "col",
          "aria-sort": direction,
          "data-column": col.id,
          class: col.numeric === true ? "num" : undefined,
        },
        h(
          "button",
          {
            type: "button",
            onclick: () => {
              options.onSort(next);
            },
          },
          col.label,
        ),
      );
    }),
  );
  const body = rows.map((row) =>
    h(
      "tr",
      options.rowAttributes?.(row) ?? {},
      ...columns.map((col) =>
        h(
          "td",
          { class: col.numeric === true ? "num" : undefined },
          col.cell?.(row) ?? String(col.value(row) ?? "—"),
        ),
      ),
    ),
  );
  return h(
    "div",
    { class: "scroll", tabindex: 0, role: "region", "aria-label": options.caption },
    h(
      "table",
      {},
      h("caption", {}, options.caption),
      h("thead", {}, head),
      h("tbody", {}, ...body),
    ),
  );
}

/**
 * Puts the keyboard focus back on a column's sort button after the table was drawn again (the
 * old button is gone), so sorting twice from the keyboard is two presses of Enter.
 */
export function focusSortButton(container: HTMLElement, sort: string): void {
  const column = sort.startsWith("-") ? sort.slice(1) : sort;
  container.querySelector<HTMLButtonElement>(`th[data-column="${column}"] button`)?.focus();
}

function sorted<Row>(rows: readonly Row[], column: Column<Row>, sort: Sort): Row[] {
  const sign = sort.descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const x = column.value(a);
    const y = column.value(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
    return (
      sign *
      (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y)))
    );
  });
}
