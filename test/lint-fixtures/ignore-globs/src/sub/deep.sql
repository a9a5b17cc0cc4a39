CREATE TABLE deep (id int);
