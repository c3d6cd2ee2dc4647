"""Assessment methods (考核办法) as data: method files → validated `Method` → rows the dbt engine reads."""
