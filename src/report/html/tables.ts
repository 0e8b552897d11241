// Sortable tables: click a header (or Enter / Space on it); again to reverse. Empty keys sort last either way.

function sortTable(table: HTMLTableElement, th: HTMLTableCellElement): void {
  const col = Number(th.getAttribute('data-col'));
  const numeric = th.getAttribute('data-type') === 'number';
  const dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
  for (const head of table.querySelectorAll('thead th')) head.setAttribute('aria-sort', 'none');
  th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
  const body = table.tBodies[0];
  if (!body) return;
  const rows = [...body.rows].map((row, order) => ({ row, order, key: row.cells[col]?.getAttribute('data-sort') ?? '' }));
  rows.sort((a, b) => {
    if (a.key === '' && b.key === '') return a.order - b.order;
    if (a.key === '') return 1;
    if (b.key === '') return -1;
    const c = numeric ? Number(a.key) - Number(b.key) : a.key.localeCompare(b.key, undefined, { numeric: true });
    return c !== 0 ? c * dir : a.order - b.order;
  });
  for (const r of rows) body.appendChild(r.row);
}

export function makeTablesSortable(): void {
  for (const table of document.querySelectorAll<HTMLTableElement>('table.sortable')) {
    for (const th of table.querySelectorAll<HTMLTableCellElement>('thead th')) {
      th.tabIndex = 0;
      th.addEventListener('click', () => sortTable(table, th));
      th.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          sortTable(table, th);
        }
      });
    }
  }
}
