/** A plain data table: column headings (none: no heading row) and rows of cells, keyed. */
import type { ReactNode } from 'react';

export function Table(props: { headings?: readonly ReactNode[]; rows: readonly { key: string; cells: readonly ReactNode[] }[] }) {
  return (
    <table>
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
            {row.cells.map((cell, i) => (
              <td key={i}>{cell}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
