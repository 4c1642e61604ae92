# Prints the candidates zsh's completion system offers for a command line, one a line.
# Usage: zsh -f zsh_complete.zsh FPATH_DIR 'COMMAND LINE' [source]
#
# An interactive zsh runs in a pseudo-terminal (zsh/zpty) with FPATH_DIR first in its
# fpath (with "source": FPATH_DIR/_kubelint sourced after compinit instead, as a
# ~/.zshrc line would); the line is typed and TAB pressed. compadd is wrapped to print what each call
# adds (calls that only ask for matches, -O/-A/-D, pass through), and a post-completion
# hook prints an end marker and exits. The markers are split in the typed text, so
# that the terminal's echo of it never looks like output.
zmodload zsh/zpty || exit 3
zpty kl zsh -f -i
zpty -w kl 'PS1= PROMPT= RPROMPT='
if [[ $3 == source ]]; then
    zpty -w kl "autoload -Uz compinit; compinit -u -D; source ${(q)1}/_kubelint"
else
    zpty -w kl "fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
fi
zpty -w kl 'zstyle ":completion:*" insert-tab false'
zpty -w kl 'compadd() { if (( ${@[(I)-[OAD]]} )); then builtin compadd "$@"; return; fi;
  local -a found; builtin compadd -O found "$@"; (( $#found )) &&
  print -rl -- "" "@@""kl "${^found}; builtin compadd "$@"; }'
zpty -w kl 'comppostfuncs=(kl_done); kl_done() { print -r -- "" "@@kl-""done"; exit }'
zpty -n -w kl "$2"$'\t'
zpty -r -m kl out '*@@kl-done*' || exit 4
for line in ${(f)out}; do
    line=${line//$'\r'/}
    [[ $line == "@@kl "* ]] && print -r -- ${line#@@kl }
done
zpty -d kl
