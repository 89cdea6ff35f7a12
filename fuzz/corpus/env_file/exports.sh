export DATABASE_URL='postgres://u:p@db/x'
export QUOTES='it'\''s "q" $(id)'
export MULTI='one
two
'
