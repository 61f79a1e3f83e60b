"""The ``srcad`` command: ``srcad demo``, ``srcad show PATH.py:FUNC``, ``srcad check PATH.py:FUNC``,
``srcad compare PATH.py:FUNC --shape x=100 --shape w=100,10``, ``srcad cache info|clear``
and ``srcad bench``."""
import argparse
import importlib.util
import pathlib
import sys

from . import api, sparse
from .errors import SrcadError
from .options import COMPILE_TARGETS

_MODES = {"reverse": api.vjp, "vjp": api.vjp, "forward": api.jvp, "jvp": api.jvp,
          "grad": api.grad, "value_and_grad": api.value_and_grad, "deps": sparse.dependency_code}


def load_function(spec):
    """``path/to/file.py:name`` -> the function object."""
    path, _, name = spec.rpartition(":")
    if not path or not name:
        raise SrcadError(f"expected PATH.py:FUNCTION, got {spec!r}")
    file = pathlib.Path(path).resolve()
    if not file.is_file():
        raise SrcadError(f"no such file: {path}")
    module_spec = importlib.util.spec_from_file_location(file.stem, file)
    if module_spec is None:
        raise SrcadError(f"cannot import {path}")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[file.stem] = module
    sys.path.insert(0, str(file.parent))
    module_spec.loader.exec_module(module)
    if not hasattr(module, name):
        raise SrcadError(f"{path} defines no function {name!r}")
    return getattr(module, name)


def _wrt(text):
    indices = tuple(int(part) for part in text.split(",") if part.strip())
    return indices[0] if len(indices) == 1 else indices


def random_inputs(function, shapes, seed=0):
    """float64 inputs of the given shapes ("x=100", "w=100,10", "s=" for a float), by name."""
    import inspect
    import numpy as np
    rng = np.random.default_rng(seed)
    given = {}
    for text in shapes:
        name, _, dims = text.partition("=")
        shape = tuple(int(d) for d in dims.split(",") if d.strip())
        given[name.strip()] = float(rng.standard_normal()) if not shape else rng.standard_normal(shape)
    args = []
    for parameter in inspect.signature(function).parameters.values():
        if parameter.name in given:
            args.append(given.pop(parameter.name))
        elif parameter.default is not parameter.empty:
            args.append(parameter.default)
        else:
            raise SrcadError(f"give a shape for parameter {parameter.name!r}: --shape {parameter.name}=...")
    if given:
        raise SrcadError(f"{function.__name__} has no parameter {sorted(given)[0]!r}")
    return args


def cache_command(action, older_than=None):
    """The text `srcad cache info` / `srcad cache clear` prints."""
    from . import cache, diskcache
    directory = diskcache.cache_dir()
    if directory is None:
        return "the disk cache is off (SRCAD_CACHE_DIR is set to an empty value)"
    if action == "clear":
        count, freed = diskcache.clear(older_than, directory)
        which = "" if older_than is None else f" not used for {older_than:g} days"
        return f"deleted {count} cached files{which} ({freed / 1e6:.1f} MB) from {directory}"
    files = diskcache.entries(directory)
    size = sum(size for _, size, _ in files)
    functions = len({path.parent for path, _, _ in files})
    counters = ", ".join(f"{name.replace('_', ' ')}: {value}" for name, value in cache.STATS.items())
    return (f"directory: {directory}\n"
            f"entries: {len(files)} generated files for {functions} functions and modes\n"
            f"size: {size / 1e6:.2f} MB\n"
            f"this process: {counters}\n"
            f"`srcad cache clear --older-than DAYS` deletes files not used for DAYS days; "
            f"srcad keeps at most {diskcache.KEEP} versions of each function's derivative")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="srcad", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="run the built-in example: gradient, generated code, "
                                     "forward vs reverse")
    show = commands.add_parser("show", help="print the generated derivative code of a function")
    show.add_argument("target", metavar="PATH.py:FUNC")
    show.add_argument("--mode", default="reverse", choices=sorted(_MODES))
    show.add_argument("--wrt", default="0", help="argument indices, e.g. 0 or 0,1")
    show.add_argument("--compile", choices=("numba", "numba-parallel", "auto"), default=None,
                      help="the code generated for that compile target (what numba compiles)")
    check = commands.add_parser("check", help="without running the function, list what stops srcad "
                                              "from differentiating it (exit status 1 if anything)")
    check.add_argument("target", metavar="PATH.py:FUNC")
    check.add_argument("--wrt", default="0", help="argument indices, e.g. 0 or 0,1")
    check.add_argument("--mode", default="reverse", choices=("reverse", "forward"))
    compare = commands.add_parser("compare", help="time forward vs reverse mode on random inputs")
    compare.add_argument("target", metavar="PATH.py:FUNC")
    compare.add_argument("--shape", action="append", default=[], metavar="NAME=D1,D2",
                         help="shape of a parameter's random float64 input (NAME= for a float)")
    compare.add_argument("--wrt", default="0", help="argument indices, e.g. 0 or 0,1")
    compare.add_argument("--plot", metavar="PNG", help="also draw a bar chart (needs matplotlib)")
    compare.add_argument("--compile", choices=COMPILE_TARGETS, default=None,
                         help="also time the compiled JVP and VJP, with their compile time "
                              "(auto: and what compile='auto' chose, and why)")
    cache = commands.add_parser("cache", help="the disk cache of generated code: `srcad cache info`, "
                                              "`srcad cache clear [--older-than DAYS]`")
    cache.add_argument("action", choices=("info", "clear"))
    cache.add_argument("--older-than", type=float, metavar="DAYS",
                       help="with clear: delete only files not used for DAYS days")
    commands.add_parser("bench", add_help=False,
                        help="benchmark srcad against hand-written NumPy and autograd/JAX/PyTorch "
                             "(options: srcad bench --help)")
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["bench"]:
        from .bench import main as bench
        return bench(argv[1:])
    options = parser.parse_args(argv)
    try:
        if options.command == "demo":
            from .demo import run
            run()
        elif options.command == "cache":
            print(cache_command(options.action, options.older_than))
        elif options.command == "check":
            from .checking import check
            report = check(load_function(options.target), wrt=_wrt(options.wrt), mode=options.mode)
            print(report)
            return 0 if report.ok else 1
        elif options.command == "compare":
            from .compare import compare_modes
            function = load_function(options.target)
            report = compare_modes(function, *random_inputs(function, options.shape), wrt=_wrt(options.wrt),
                                   compile=options.compile)
            print(report)
            if options.plot:
                print(f"chart: {report.plot(options.plot)}")
        else:
            function = load_function(options.target)
            transform = _MODES[options.mode](function, wrt=_wrt(options.wrt), compile=options.compile)
            print(api.source(transform), end="")
    except SrcadError as error:
        print(f"srcad: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
