// How a contribution's text is shown in a table row: the first 120 characters, on one line.
export const excerpt = (text: string | null) => text === null ? '(not stored on this node)'
  : text.length > 120 ? text.slice(0, 120).replace(/\s+/g, ' ') + '…' : text.replace(/\s+/g, ' ');
