-- billing is no service of the manifest
create table billing.invoices (number text);
