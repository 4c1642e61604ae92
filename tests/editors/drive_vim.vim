" Runs :make in Vim, as a user does, on the manifest given on the command line, once the
" README's recipe (installed as an after/ftplugin file) has set makeprg and errorformat,
" and writes what the quickfix list holds as JSON for tests/test_editors.py to assert.
silent make
let s:entries = map(getqflist(), {_, e -> extend(e, {'filename': bufname(e.bufnr)})})
call writefile([json_encode({
      \ 'filetype': &filetype,
      \ 'makeprg': &l:makeprg,
      \ 'entries': s:entries,
      \ 'clist': split(execute('clist'), "\n"),
      \ 'messages': execute('messages'),
      \ })], $KUBELINT_TEST_RESULT)
qall!
