"""Email templates: sandboxed merge fields, preview, copy and send from a record."""
