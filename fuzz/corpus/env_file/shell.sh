A='1' QUOTES='it'\''s $HOME' MULTI='a
b'
