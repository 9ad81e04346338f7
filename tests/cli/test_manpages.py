#!/usr/bin/python3
"""The man pages (docs/man/*.scd, scdoc) against the tool's --help, both ways,
so that neither can drift from the other:

- every command of `frontline --help` has a page frontline-COMMAND.1.scd, and
  every such page a command;
- every option in `frontline COMMAND --help` appears in its page, and every
  option in the page appears in that --help (or in `frontline --help`: the
  global options are the tool's, any page may name them);
- frontline.1.scd and `frontline --help` likewise;
- a command line in a page's code block (`frontline ... COMMAND ...`) uses only
  that command's options after its name, and global ones before it.

An option is a word starting with `--` and a letter, or `-` and one letter
(`-o`), not inside a word (`frontline-diff`, `DATE-REGION`) and not a number
(`-2`).

Usage: /usr/bin/python3 test_manpages.py PATH/TO/frontline SOURCE_ROOT   (prints TAP)
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fltest import SRC, check, describe, main, run, test  # noqa: E402

OPTION = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![\w-])")
MAN = os.path.join(SRC, "docs", "man") if SRC else None


def options(text):
    return set(OPTION.findall(text))


def help_text(args):
    p = run(list(args) + ["--help"], cwd=SRC)
    check(p.returncode == 0 and p.stdout.strip(), "no help\n" + describe(p))
    return p.stdout


def commands():
    """The commands listed under 'commands:' in `frontline --help`."""
    names, inside = [], False
    for line in help_text([]).splitlines():
        if line.strip() == "commands:":
            inside = True
        elif inside and not line.startswith("  "):
            inside = False
        elif inside:
            names.append(line.split()[0])
    check(len(names) >= 11, "too few commands in frontline --help: %r" % names)
    return names


def page(name):
    """A page's prose (outside code blocks) and the lines of its code blocks."""
    path = os.path.join(MAN, name + ".scd")
    check(os.path.isfile(path), "no man page %s" % path)
    prose, code, inside = [], [], False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip().startswith("```"):
                inside = not inside
            elif inside:
                code.append(line.strip())
            else:
                prose.append(line)
    return "".join(prose), code


def example_errors(code, global_opts, cmd_opts):
    """Options of the `frontline ...` lines of code blocks that the command named does not take."""
    bad = []
    for block in code:
        for line in block.split("&&"):
            words = line.split()
            if not words or words[0] != "frontline":
                continue
            cmd = next((w for w in words[1:] if w in cmd_opts), None)
            before = words[1:words.index(cmd)] if cmd else words[1:]
            after = words[words.index(cmd) + 1:] if cmd else []
            for o in options(" ".join(before)) - global_opts:
                bad.append("%s: %s is not a global option" % (line.strip(), o))
            for o in options(" ".join(after)) - cmd_opts.get(cmd, set()) - global_opts:
                bad.append("%s: %s is not an option of %s" % (line.strip(), o, cmd))
    return bad


def compare(name, helped, prose, code, global_opts, cmd_opts):
    in_page = options(prose)
    missing = sorted(helped - in_page)
    extra = sorted(in_page - helped - global_opts)
    bad = example_errors(code, global_opts, cmd_opts)
    check(not missing and not extra and not bad,
          "%s: in --help but not in the page: %s; in the page but not in --help: %s%s" % (
              name, missing or "none", extra or "none", "".join("\n" + b for b in bad)))


def all_options():
    global_opts = options(help_text([]))
    return global_opts, {c: options(help_text([c])) for c in commands()}


@test("every command of frontline --help has a man page, and every page a command")
def t_pages(tmp):
    cmds = set(commands())
    pages = set()
    for f in os.listdir(MAN):
        m = re.fullmatch(r"frontline-(.+)\.1\.scd", f)
        if m:
            pages.add(m.group(1))
    check(cmds == pages, "commands without a page: %s; pages without a command: %s" % (
        sorted(cmds - pages) or "none", sorted(pages - cmds) or "none"))
    for f in ("frontline.1.scd", "frontline.5.scd"):
        check(os.path.isfile(os.path.join(MAN, f)), "no %s" % f)


@test("frontline(1) and frontline --help name the same options")
def t_main(tmp):
    global_opts, cmd_opts = all_options()
    check({"-d", "--tracker", "-j", "--threads", "--version"} <= global_opts,
          "frontline --help lost its options: %s" % sorted(global_opts))
    prose, code = page("frontline.1")
    compare("frontline.1", global_opts, prose, code, global_opts, cmd_opts)


@test("each command's man page and --help name the same options")
def t_commands(tmp):
    global_opts, cmd_opts = all_options()
    errors = []
    for cmd, helped in sorted(cmd_opts.items()):
        prose, code = page("frontline-" + cmd + ".1")
        try:
            compare("frontline-%s.1" % cmd, helped, prose, code, global_opts, cmd_opts)
        except Exception as e:  # every page's drift in one report
            errors.append(str(e))
    check(not errors, "\n".join(errors))


@test("the check itself: an option dropped from a page, or one added, is found")
def t_self(tmp):
    global_opts, cmd_opts = all_options()
    prose, code = page("frontline-snapshot.1")
    for text, want in ((prose.replace("--summary", "summary"), "--summary"),
                       (prose + "\n*--bogus*\n", "--bogus")):
        try:
            compare("frontline-snapshot.1", cmd_opts["snapshot"], text, code, global_opts, cmd_opts)
        except Exception as e:
            check(want in str(e), "the report does not name %s: %s" % (want, e))
        else:
            check(False, "a page with %s changed passed" % want)
    bad = example_errors(["frontline snapshot --bogus 1"], global_opts, cmd_opts)
    check(len(bad) == 1 and "--bogus" in bad[0], "an example's unknown option passed: %r" % bad)
    check(options("frontline-diff DATE-REGION -2 a-b --as-of -o") == {"--as-of", "-o"},
          "option words: %r" % options("frontline-diff DATE-REGION -2 a-b --as-of -o"))


if __name__ == "__main__":
    sys.exit(main("fl-manpages-"))
