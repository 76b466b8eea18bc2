"""The pure MRP core: a Dataset in, plan tables out. No database, no files, no clock."""
