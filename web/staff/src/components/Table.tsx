/**
 * A data table: column headings (none: no heading row) and rows of cells, keyed.
 * On narrow screens a `stack` table (the default) shows each row as a card,
 * every cell under its heading; a `scroll` table (wide numeric grids, where
 * comparing down a column matters) scrolls sideways inside its own frame,
 * which says so and can be scrolled from the keyboard.
 */
import { type ReactNode, useId } from 'react';

function headingText(heading: ReactNode): string | undefined {
  return typeof heading === 'string' || typeof heading === 'number' ? String(heading) : undefined;
}

export function Table(props: { headings?: readonly ReactNode[]; rows: readonly { key: string; cells: readonly ReactNode[] }[]; layout?: 'stack' | 'scroll'; caption?: string }) {
  const layout = props.layout ?? 'stack';
  const hintId = useId();
  const table = (
    <table className={layout}>
      {props.caption && <caption className="visually-hidden">{props.caption}</caption>}
      {props.headings && (
        <thead>
          <tr>
            {props.headings.map((h, i) => (
              <th key={i} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
      )}
      <tbody>
        {props.rows.map((row) => (
          <tr key={row.key}>
            {row.cells.map((cell, i) => {
              const label = props.headings ? headingText(props.headings[i]) : undefined;
              return (
                <td key={i} {...(label ? { 'data-label': label } : {})}>
                  {cell}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
  if (layout === 'stack') return table;
  return (
    <>
      <p className="scroll-hint" id={hintId}>
        Scroll sideways for more columns →
      </p>
      {/* A focusable region, so the keyboard can scroll it too. */}
      <div className="table-scroll" role="region" aria-label={props.caption ?? 'Table'} aria-describedby={hintId} tabIndex={0}>
        {table}
      </div>
    </>
  );
}
