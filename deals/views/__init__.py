"""Deal pages, by concept: `records` (board, list, detail, edit, line items),
`transitions` (move, win, lose, reopen) and `configuration` (admin settings)."""
