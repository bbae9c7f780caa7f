// tests/unit/test_parse.c -- unit tests for the parser and AST (wf_parse_*, wf_ast_*).
// Expected dumps, positions and error locations were produced by CPython's
// own ast module (ast.dump, include_attributes=True), so these tables pin
// Weft's front end to CPython's shapes and positions. Also parses every
// conformance case when WF_CONFORMANCE_DIR is set or found.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/parse.h"

struct dump_case { const char *src; const char *dump; };
struct err_case { const char *src; const char *kind; const char *msg; int lineno, col; };

static const struct dump_case dump_cases[] = {
    {"x = 1", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value=1))], type_ignores=[])"},
    {"a, b = b, a", "Module(body=[Assign(targets=[Tuple(elts=[Name(id='a', ctx=Store()), Name(id='b', ctx=Store())], ctx=Store())], value=Tuple(elts=[Name(id='b', ctx=Load()), Name(id='a', ctx=Load())], ctx=Load()))], type_ignores=[])"},
    {"x = y = [1, 2, 3]", "Module(body=[Assign(targets=[Name(id='x', ctx=Store()), Name(id='y', ctx=Store())], value=List(elts=[Constant(value=1), Constant(value=2), Constant(value=3)], ctx=Load()))], type_ignores=[])"},
    {"x += 1", "Module(body=[AugAssign(target=Name(id='x', ctx=Store()), op=Add(), value=Constant(value=1))], type_ignores=[])"},
    {"del a, b[1], c.d", "Module(body=[Delete(targets=[Name(id='a', ctx=Del()), Subscript(value=Name(id='b', ctx=Load()), slice=Constant(value=1), ctx=Del()), Attribute(value=Name(id='c', ctx=Load()), attr='d', ctx=Del())])], type_ignores=[])"},
    {"def f(a, b=2, *args, c, d=4, **kw):\n    return a\n", "Module(body=[FunctionDef(name='f', args=arguments(posonlyargs=[], args=[arg(arg='a'), arg(arg='b')], vararg=arg(arg='args'), kwonlyargs=[arg(arg='c'), arg(arg='d')], kw_defaults=[None, Constant(value=4)], kwarg=arg(arg='kw'), defaults=[Constant(value=2)]), body=[Return(value=Name(id='a', ctx=Load()))], decorator_list=[])], type_ignores=[])"},
    {"lambda x, *y, z=1, **k: 0", "Module(body=[Expr(value=Lambda(args=arguments(posonlyargs=[], args=[arg(arg='x')], vararg=arg(arg='y'), kwonlyargs=[arg(arg='z')], kw_defaults=[Constant(value=1)], kwarg=arg(arg='k'), defaults=[]), body=Constant(value=0)))], type_ignores=[])"},
    {"class C(B):\n    x = 1\n    def m(self):\n        return super().m()\n", "Module(body=[ClassDef(name='C', bases=[Name(id='B', ctx=Load())], keywords=[], body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value=1)), FunctionDef(name='m', args=arguments(posonlyargs=[], args=[arg(arg='self')], kwonlyargs=[], kw_defaults=[], defaults=[]), body=[Return(value=Call(func=Attribute(value=Call(func=Name(id='super', ctx=Load()), args=[], keywords=[]), attr='m', ctx=Load()), args=[], keywords=[]))], decorator_list=[])], decorator_list=[])], type_ignores=[])"},
    {"for i, j in enumerate(x):\n    print(i)\nelse:\n    pass\n", "Module(body=[For(target=Tuple(elts=[Name(id='i', ctx=Store()), Name(id='j', ctx=Store())], ctx=Store()), iter=Call(func=Name(id='enumerate', ctx=Load()), args=[Name(id='x', ctx=Load())], keywords=[]), body=[Expr(value=Call(func=Name(id='print', ctx=Load()), args=[Name(id='i', ctx=Load())], keywords=[]))], orelse=[Pass()])], type_ignores=[])"},
    {"while x:\n    break\nelse:\n    continue\n", "Module(body=[While(test=Name(id='x', ctx=Load()), body=[Break()], orelse=[Continue()])], type_ignores=[])"},
    {"if a:\n    pass\nelif b:\n    x\nelse:\n    z\n", "Module(body=[If(test=Name(id='a', ctx=Load()), body=[Pass()], orelse=[If(test=Name(id='b', ctx=Load()), body=[Expr(value=Name(id='x', ctx=Load()))], orelse=[Expr(value=Name(id='z', ctx=Load()))])])], type_ignores=[])"},
    {"try:\n    pass\nexcept (A, B) as e:\n    pass\nexcept C:\n    pass\nexcept:\n    raise\nelse:\n    pass\nfinally:\n    pass\n", "Module(body=[Try(body=[Pass()], handlers=[ExceptHandler(type=Tuple(elts=[Name(id='A', ctx=Load()), Name(id='B', ctx=Load())], ctx=Load()), name='e', body=[Pass()]), ExceptHandler(type=Name(id='C', ctx=Load()), body=[Pass()]), ExceptHandler(body=[Raise()])], orelse=[Pass()], finalbody=[Pass()])], type_ignores=[])"},
    {"with a as (b, c), d: pass", "Module(body=[With(items=[withitem(context_expr=Name(id='a', ctx=Load()), optional_vars=Tuple(elts=[Name(id='b', ctx=Store()), Name(id='c', ctx=Store())], ctx=Store())), withitem(context_expr=Name(id='d', ctx=Load()))], body=[Pass()])], type_ignores=[])"},
    {"with (a as b, c): pass", "Module(body=[With(items=[withitem(context_expr=Name(id='a', ctx=Load()), optional_vars=Name(id='b', ctx=Store())), withitem(context_expr=Name(id='c', ctx=Load()))], body=[Pass()])], type_ignores=[])"},
    {"raise X from Y", "Module(body=[Raise(exc=Name(id='X', ctx=Load()), cause=Name(id='Y', ctx=Load()))], type_ignores=[])"},
    {"assert x, \"m\"", "Module(body=[Assert(test=Name(id='x', ctx=Load()), msg=Constant(value='m'))], type_ignores=[])"},
    {"import a.b as c, d", "Module(body=[Import(names=[alias(name='a.b', asname='c'), alias(name='d')])], type_ignores=[])"},
    {"from .. import (x as y, z)", "Module(body=[ImportFrom(names=[alias(name='x', asname='y'), alias(name='z')], level=2)], type_ignores=[])"},
    {"from sys import monitoring", "Module(body=[ImportFrom(module='sys', names=[alias(name='monitoring')], level=0)], type_ignores=[])"},
    {"global a, b", "Module(body=[Global(names=['a', 'b'])], type_ignores=[])"},
    {"def f():\n    nonlocal x\n", "Module(body=[FunctionDef(name='f', args=arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]), body=[Nonlocal(names=['x'])], decorator_list=[])], type_ignores=[])"},
    {"x = [i*2 for i in range(3) if i for j in k]", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=ListComp(elt=BinOp(left=Name(id='i', ctx=Load()), op=Mult(), right=Constant(value=2)), generators=[comprehension(target=Name(id='i', ctx=Store()), iter=Call(func=Name(id='range', ctx=Load()), args=[Constant(value=3)], keywords=[]), ifs=[Name(id='i', ctx=Load())], is_async=0), comprehension(target=Name(id='j', ctx=Store()), iter=Name(id='k', ctx=Load()), ifs=[], is_async=0)]))], type_ignores=[])"},
    {"{a: b for a, b in x}", "Module(body=[Expr(value=DictComp(key=Name(id='a', ctx=Load()), value=Name(id='b', ctx=Load()), generators=[comprehension(target=Tuple(elts=[Name(id='a', ctx=Store()), Name(id='b', ctx=Store())], ctx=Store()), iter=Name(id='x', ctx=Load()), ifs=[], is_async=0)]))], type_ignores=[])"},
    {"{1, 2}", "Module(body=[Expr(value=Set(elts=[Constant(value=1), Constant(value=2)]))], type_ignores=[])"},
    {"{}", "Module(body=[Expr(value=Dict(keys=[], values=[]))], type_ignores=[])"},
    {"()", "Module(body=[Expr(value=Tuple(elts=[], ctx=Load()))], type_ignores=[])"},
    {"[]", "Module(body=[Expr(value=List(elts=[], ctx=Load()))], type_ignores=[])"},
    {"(1,)", "Module(body=[Expr(value=Tuple(elts=[Constant(value=1)], ctx=Load()))], type_ignores=[])"},
    {"f(a, *b, c=1, **d)", "Module(body=[Expr(value=Call(func=Name(id='f', ctx=Load()), args=[Name(id='a', ctx=Load()), Starred(value=Name(id='b', ctx=Load()), ctx=Load())], keywords=[keyword(arg='c', value=Constant(value=1)), keyword(value=Name(id='d', ctx=Load()))]))], type_ignores=[])"},
    {"f(x for x in y)", "Module(body=[Expr(value=Call(func=Name(id='f', ctx=Load()), args=[GeneratorExp(elt=Name(id='x', ctx=Load()), generators=[comprehension(target=Name(id='x', ctx=Store()), iter=Name(id='y', ctx=Load()), ifs=[], is_async=0)])], keywords=[]))], type_ignores=[])"},
    {"x = (x for x in y)", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=GeneratorExp(elt=Name(id='x', ctx=Load()), generators=[comprehension(target=Name(id='x', ctx=Store()), iter=Name(id='y', ctx=Load()), ifs=[], is_async=0)]))], type_ignores=[])"},
    {"a[1:2, ::3]", "Module(body=[Expr(value=Subscript(value=Name(id='a', ctx=Load()), slice=Tuple(elts=[Slice(lower=Constant(value=1), upper=Constant(value=2)), Slice(step=Constant(value=3))], ctx=Load()), ctx=Load()))], type_ignores=[])"},
    {"a[...]", "Module(body=[Expr(value=Subscript(value=Name(id='a', ctx=Load()), slice=Constant(value=Ellipsis), ctx=Load()))], type_ignores=[])"},
    {"a < b <= c != d", "Module(body=[Expr(value=Compare(left=Name(id='a', ctx=Load()), ops=[Lt(), LtE(), NotEq()], comparators=[Name(id='b', ctx=Load()), Name(id='c', ctx=Load()), Name(id='d', ctx=Load())]))], type_ignores=[])"},
    {"x is not None and y not in z or not w", "Module(body=[Expr(value=BoolOp(op=Or(), values=[BoolOp(op=And(), values=[Compare(left=Name(id='x', ctx=Load()), ops=[IsNot()], comparators=[Constant(value=None)]), Compare(left=Name(id='y', ctx=Load()), ops=[NotIn()], comparators=[Name(id='z', ctx=Load())])]), UnaryOp(op=Not(), operand=Name(id='w', ctx=Load()))]))], type_ignores=[])"},
    {"-x ** -y", "Module(body=[Expr(value=UnaryOp(op=USub(), operand=BinOp(left=Name(id='x', ctx=Load()), op=Pow(), right=UnaryOp(op=USub(), operand=Name(id='y', ctx=Load())))))], type_ignores=[])"},
    {"~a | b ^ c & d << 1 >> 2", "Module(body=[Expr(value=BinOp(left=UnaryOp(op=Invert(), operand=Name(id='a', ctx=Load())), op=BitOr(), right=BinOp(left=Name(id='b', ctx=Load()), op=BitXor(), right=BinOp(left=Name(id='c', ctx=Load()), op=BitAnd(), right=BinOp(left=BinOp(left=Name(id='d', ctx=Load()), op=LShift(), right=Constant(value=1)), op=RShift(), right=Constant(value=2))))))], type_ignores=[])"},
    {"a + b - c * d / e // f % g @ h", "Module(body=[Expr(value=BinOp(left=BinOp(left=Name(id='a', ctx=Load()), op=Add(), right=Name(id='b', ctx=Load())), op=Sub(), right=BinOp(left=BinOp(left=BinOp(left=BinOp(left=BinOp(left=Name(id='c', ctx=Load()), op=Mult(), right=Name(id='d', ctx=Load())), op=Div(), right=Name(id='e', ctx=Load())), op=FloorDiv(), right=Name(id='f', ctx=Load())), op=Mod(), right=Name(id='g', ctx=Load())), op=MatMult(), right=Name(id='h', ctx=Load()))))], type_ignores=[])"},
    {"x = a if b else c if d else e", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=IfExp(test=Name(id='b', ctx=Load()), body=Name(id='a', ctx=Load()), orelse=IfExp(test=Name(id='d', ctx=Load()), body=Name(id='c', ctx=Load()), orelse=Name(id='e', ctx=Load()))))], type_ignores=[])"},
    {"def g():\n    yield\n    yield 1, 2\n    x = yield from y\n", "Module(body=[FunctionDef(name='g', args=arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]), body=[Expr(value=Yield()), Expr(value=Yield(value=Tuple(elts=[Constant(value=1), Constant(value=2)], ctx=Load()))), Assign(targets=[Name(id='x', ctx=Store())], value=YieldFrom(value=Name(id='y', ctx=Load())))], decorator_list=[])], type_ignores=[])"},
    {"x = \"a\" \"b\" 'c'", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value='abc'))], type_ignores=[])"},
    {"x = b'a' b'\\x00'", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value=b'a\\x00'))], type_ignores=[])"},
    {"x = \"\\n\\t\\\\\\x41\\u00e9\\U0001F600\\101\"", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value='\\n\\t\\\\Aé😀A'))], type_ignores=[])"},
    {"x = r'\\n\\d'", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value='\\\\n\\\\d'))], type_ignores=[])"},
    {"x = \"\"\"a\nb\"\"\"", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value='a\\nb'))], type_ignores=[])"},
    {"x = 0o17 + 0b101 + 0XFF + 1_000", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=BinOp(left=BinOp(left=BinOp(left=Constant(value=15), op=Add(), right=Constant(value=5)), op=Add(), right=Constant(value=255)), op=Add(), right=Constant(value=1000)))], type_ignores=[])"},
    {"x = 123456789012345678901234567890", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value=123456789012345678901234567890))], type_ignores=[])"},
    {"x = 0xffffffffffffffffffff", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value=1208925819614629174706175))], type_ignores=[])"},
    {"x = 9223372036854775807", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value=9223372036854775807))], type_ignores=[])"},
    {"x = 9223372036854775808", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value=9223372036854775808))], type_ignores=[])"},
    {"x = 1.5e-3 + 1E10 + 1_0.0_1 + .5 + 5.", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=BinOp(left=BinOp(left=BinOp(left=BinOp(left=Constant(value=0.0015), op=Add(), right=Constant(value=10000000000.0)), op=Add(), right=Constant(value=10.01)), op=Add(), right=Constant(value=0.5)), op=Add(), right=Constant(value=5.0)))], type_ignores=[])"},
    {"x = True, False, None, ...", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Tuple(elts=[Constant(value=True), Constant(value=False), Constant(value=None), Constant(value=Ellipsis)], ctx=Load()))], type_ignores=[])"},
    {"match = 3", "Module(body=[Assign(targets=[Name(id='match', ctx=Store())], value=Constant(value=3))], type_ignores=[])"},
    {"match(x)", "Module(body=[Expr(value=Call(func=Name(id='match', ctx=Load()), args=[Name(id='x', ctx=Load())], keywords=[]))], type_ignores=[])"},
    {"type = 1", "Module(body=[Assign(targets=[Name(id='type', ctx=Store())], value=Constant(value=1))], type_ignores=[])"},
    {"case = _", "Module(body=[Assign(targets=[Name(id='case', ctx=Store())], value=Name(id='_', ctx=Load()))], type_ignores=[])"},
    {"x: int = 3", "Module(body=[AnnAssign(target=Name(id='x', ctx=Store()), annotation=Name(id='int', ctx=Load()), value=Constant(value=3), simple=1)], type_ignores=[])"},
    {"(x): int", "Module(body=[AnnAssign(target=Name(id='x', ctx=Store()), annotation=Name(id='int', ctx=Load()), simple=0)], type_ignores=[])"},
    {"a.b: int", "Module(body=[AnnAssign(target=Attribute(value=Name(id='a', ctx=Load()), attr='b', ctx=Store()), annotation=Name(id='int', ctx=Load()), simple=0)], type_ignores=[])"},
    {"def f(a, /, b) -> int: pass", "Module(body=[FunctionDef(name='f', args=arguments(posonlyargs=[arg(arg='a')], args=[arg(arg='b')], kwonlyargs=[], kw_defaults=[], defaults=[]), body=[Pass()], decorator_list=[], returns=Name(id='int', ctx=Load()))], type_ignores=[])"},
    {"x = 1; y = 2;", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value=1)), Assign(targets=[Name(id='y', ctx=Store())], value=Constant(value=2))], type_ignores=[])"},
    {"if x: pass\nelse: pass", "Module(body=[If(test=Name(id='x', ctx=Load()), body=[Pass()], orelse=[Pass()])], type_ignores=[])"},
    {"x = \\\n  1", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value=1))], type_ignores=[])"},
    {"x = [\n  1,\n  2,\n]\n", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=List(elts=[Constant(value=1), Constant(value=2)], ctx=Load()))], type_ignores=[])"},
    {"x = 1if y else 2", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=IfExp(test=Name(id='y', ctx=Load()), body=Constant(value=1), orelse=Constant(value=2)))], type_ignores=[])"},
    {"print(\"é\", end=\"\")", "Module(body=[Expr(value=Call(func=Name(id='print', ctx=Load()), args=[Constant(value='é')], keywords=[keyword(arg='end', value=Constant(value=''))]))], type_ignores=[])"},
    {"﻿x = 1", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value=1))], type_ignores=[])"},
    {"x = 1\r\ny = 2\r\n", "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value=1)), Assign(targets=[Name(id='y', ctx=Store())], value=Constant(value=2))], type_ignores=[])"},
    {"if x:\n\tpass\n", "Module(body=[If(test=Name(id='x', ctx=Load()), body=[Pass()], orelse=[])], type_ignores=[])"},
    {"def f(): pass\n\n\n# trailing comment", "Module(body=[FunctionDef(name='f', args=arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]), body=[Pass()], decorator_list=[])], type_ignores=[])"},
};

static const struct dump_case pos_cases[] = {
    {"f(x for x in y)", "Module(body=[Expr(value=Call(func=Name(id='f', ctx=Load(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=1), args=[GeneratorExp(elt=Name(id='x', ctx=Load(), lineno=1, col_offset=2, end_lineno=1, end_col_offset=3), generators=[comprehension(target=Name(id='x', ctx=Store(), lineno=1, col_offset=8, end_lineno=1, end_col_offset=9), iter=Name(id='y', ctx=Load(), lineno=1, col_offset=13, end_lineno=1, end_col_offset=14), ifs=[], is_async=0)], lineno=1, col_offset=1, end_lineno=1, end_col_offset=15)], keywords=[], lineno=1, col_offset=0, end_lineno=1, end_col_offset=15), lineno=1, col_offset=0, end_lineno=1, end_col_offset=15)], type_ignores=[])"},
    {"a[x, y:z]", "Module(body=[Expr(value=Subscript(value=Name(id='a', ctx=Load(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=1), slice=Tuple(elts=[Name(id='x', ctx=Load(), lineno=1, col_offset=2, end_lineno=1, end_col_offset=3), Slice(lower=Name(id='y', ctx=Load(), lineno=1, col_offset=5, end_lineno=1, end_col_offset=6), upper=Name(id='z', ctx=Load(), lineno=1, col_offset=7, end_lineno=1, end_col_offset=8), lineno=1, col_offset=5, end_lineno=1, end_col_offset=8)], ctx=Load(), lineno=1, col_offset=2, end_lineno=1, end_col_offset=8), ctx=Load(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=9), lineno=1, col_offset=0, end_lineno=1, end_col_offset=9)], type_ignores=[])"},
    {"a[::2]", "Module(body=[Expr(value=Subscript(value=Name(id='a', ctx=Load(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=1), slice=Slice(step=Constant(value=2, lineno=1, col_offset=4, end_lineno=1, end_col_offset=5), lineno=1, col_offset=2, end_lineno=1, end_col_offset=5), ctx=Load(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=6), lineno=1, col_offset=0, end_lineno=1, end_col_offset=6)], type_ignores=[])"},
    {"x = (1,\n 2)", "Module(body=[Assign(targets=[Name(id='x', ctx=Store(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=1)], value=Tuple(elts=[Constant(value=1, lineno=1, col_offset=5, end_lineno=1, end_col_offset=6), Constant(value=2, lineno=2, col_offset=1, end_lineno=2, end_col_offset=2)], ctx=Load(), lineno=1, col_offset=4, end_lineno=2, end_col_offset=3), lineno=1, col_offset=0, end_lineno=2, end_col_offset=3)], type_ignores=[])"},
    {"(a) + b", "Module(body=[Expr(value=BinOp(left=Name(id='a', ctx=Load(), lineno=1, col_offset=1, end_lineno=1, end_col_offset=2), op=Add(), right=Name(id='b', ctx=Load(), lineno=1, col_offset=6, end_lineno=1, end_col_offset=7), lineno=1, col_offset=0, end_lineno=1, end_col_offset=7), lineno=1, col_offset=0, end_lineno=1, end_col_offset=7)], type_ignores=[])"},
    {"a + (b)", "Module(body=[Expr(value=BinOp(left=Name(id='a', ctx=Load(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=1), op=Add(), right=Name(id='b', ctx=Load(), lineno=1, col_offset=5, end_lineno=1, end_col_offset=6), lineno=1, col_offset=0, end_lineno=1, end_col_offset=7), lineno=1, col_offset=0, end_lineno=1, end_col_offset=7)], type_ignores=[])"},
    {"(a).b(c)[d]", "Module(body=[Expr(value=Subscript(value=Call(func=Attribute(value=Name(id='a', ctx=Load(), lineno=1, col_offset=1, end_lineno=1, end_col_offset=2), attr='b', ctx=Load(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=5), args=[Name(id='c', ctx=Load(), lineno=1, col_offset=6, end_lineno=1, end_col_offset=7)], keywords=[], lineno=1, col_offset=0, end_lineno=1, end_col_offset=8), slice=Name(id='d', ctx=Load(), lineno=1, col_offset=9, end_lineno=1, end_col_offset=10), ctx=Load(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=11), lineno=1, col_offset=0, end_lineno=1, end_col_offset=11)], type_ignores=[])"},
    {"x = (a) if (b) else (c)", "Module(body=[Assign(targets=[Name(id='x', ctx=Store(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=1)], value=IfExp(test=Name(id='b', ctx=Load(), lineno=1, col_offset=12, end_lineno=1, end_col_offset=13), body=Name(id='a', ctx=Load(), lineno=1, col_offset=5, end_lineno=1, end_col_offset=6), orelse=Name(id='c', ctx=Load(), lineno=1, col_offset=21, end_lineno=1, end_col_offset=22), lineno=1, col_offset=4, end_lineno=1, end_col_offset=23), lineno=1, col_offset=0, end_lineno=1, end_col_offset=23)], type_ignores=[])"},
    {"x = (\n  a\n  + b\n)", "Module(body=[Assign(targets=[Name(id='x', ctx=Store(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=1)], value=BinOp(left=Name(id='a', ctx=Load(), lineno=2, col_offset=2, end_lineno=2, end_col_offset=3), op=Add(), right=Name(id='b', ctx=Load(), lineno=3, col_offset=4, end_lineno=3, end_col_offset=5), lineno=2, col_offset=2, end_lineno=3, end_col_offset=5), lineno=1, col_offset=0, end_lineno=4, end_col_offset=1)], type_ignores=[])"},
    {"f(\n  a,\n  b=2,\n  *c,\n  **d\n)", "Module(body=[Expr(value=Call(func=Name(id='f', ctx=Load(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=1), args=[Name(id='a', ctx=Load(), lineno=2, col_offset=2, end_lineno=2, end_col_offset=3), Starred(value=Name(id='c', ctx=Load(), lineno=4, col_offset=3, end_lineno=4, end_col_offset=4), ctx=Load(), lineno=4, col_offset=2, end_lineno=4, end_col_offset=4)], keywords=[keyword(arg='b', value=Constant(value=2, lineno=3, col_offset=4, end_lineno=3, end_col_offset=5), lineno=3, col_offset=2, end_lineno=3, end_col_offset=5), keyword(value=Name(id='d', ctx=Load(), lineno=5, col_offset=4, end_lineno=5, end_col_offset=5), lineno=5, col_offset=2, end_lineno=5, end_col_offset=5)], lineno=1, col_offset=0, end_lineno=6, end_col_offset=1), lineno=1, col_offset=0, end_lineno=6, end_col_offset=1)], type_ignores=[])"},
    {"def f(x):\n    if x:\n        return 1\n    else:\n        return 2\n", "Module(body=[FunctionDef(name='f', args=arguments(posonlyargs=[], args=[arg(arg='x', lineno=1, col_offset=6, end_lineno=1, end_col_offset=7)], kwonlyargs=[], kw_defaults=[], defaults=[]), body=[If(test=Name(id='x', ctx=Load(), lineno=2, col_offset=7, end_lineno=2, end_col_offset=8), body=[Return(value=Constant(value=1, lineno=3, col_offset=15, end_lineno=3, end_col_offset=16), lineno=3, col_offset=8, end_lineno=3, end_col_offset=16)], orelse=[Return(value=Constant(value=2, lineno=5, col_offset=15, end_lineno=5, end_col_offset=16), lineno=5, col_offset=8, end_lineno=5, end_col_offset=16)], lineno=2, col_offset=4, end_lineno=5, end_col_offset=16)], decorator_list=[], lineno=1, col_offset=0, end_lineno=5, end_col_offset=16)], type_ignores=[])"},
    {"try:\n    a\nexcept E as e:\n    b\nfinally:\n    c\n", "Module(body=[Try(body=[Expr(value=Name(id='a', ctx=Load(), lineno=2, col_offset=4, end_lineno=2, end_col_offset=5), lineno=2, col_offset=4, end_lineno=2, end_col_offset=5)], handlers=[ExceptHandler(type=Name(id='E', ctx=Load(), lineno=3, col_offset=7, end_lineno=3, end_col_offset=8), name='e', body=[Expr(value=Name(id='b', ctx=Load(), lineno=4, col_offset=4, end_lineno=4, end_col_offset=5), lineno=4, col_offset=4, end_lineno=4, end_col_offset=5)], lineno=3, col_offset=0, end_lineno=4, end_col_offset=5)], orelse=[], finalbody=[Expr(value=Name(id='c', ctx=Load(), lineno=6, col_offset=4, end_lineno=6, end_col_offset=5), lineno=6, col_offset=4, end_lineno=6, end_col_offset=5)], lineno=1, col_offset=0, end_lineno=6, end_col_offset=5)], type_ignores=[])"},
    {"x = a and b and (c or d)", "Module(body=[Assign(targets=[Name(id='x', ctx=Store(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=1)], value=BoolOp(op=And(), values=[Name(id='a', ctx=Load(), lineno=1, col_offset=4, end_lineno=1, end_col_offset=5), Name(id='b', ctx=Load(), lineno=1, col_offset=10, end_lineno=1, end_col_offset=11), BoolOp(op=Or(), values=[Name(id='c', ctx=Load(), lineno=1, col_offset=17, end_lineno=1, end_col_offset=18), Name(id='d', ctx=Load(), lineno=1, col_offset=22, end_lineno=1, end_col_offset=23)], lineno=1, col_offset=17, end_lineno=1, end_col_offset=23)], lineno=1, col_offset=4, end_lineno=1, end_col_offset=24), lineno=1, col_offset=0, end_lineno=1, end_col_offset=24)], type_ignores=[])"},
    {"x = not a < b", "Module(body=[Assign(targets=[Name(id='x', ctx=Store(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=1)], value=UnaryOp(op=Not(), operand=Compare(left=Name(id='a', ctx=Load(), lineno=1, col_offset=8, end_lineno=1, end_col_offset=9), ops=[Lt()], comparators=[Name(id='b', ctx=Load(), lineno=1, col_offset=12, end_lineno=1, end_col_offset=13)], lineno=1, col_offset=8, end_lineno=1, end_col_offset=13), lineno=1, col_offset=4, end_lineno=1, end_col_offset=13), lineno=1, col_offset=0, end_lineno=1, end_col_offset=13)], type_ignores=[])"},
    {"class C:\n    def m(self, a: int = 1) -> None:\n        pass\n", "Module(body=[ClassDef(name='C', bases=[], keywords=[], body=[FunctionDef(name='m', args=arguments(posonlyargs=[], args=[arg(arg='self', lineno=2, col_offset=10, end_lineno=2, end_col_offset=14), arg(arg='a', annotation=Name(id='int', ctx=Load(), lineno=2, col_offset=19, end_lineno=2, end_col_offset=22), lineno=2, col_offset=16, end_lineno=2, end_col_offset=22)], kwonlyargs=[], kw_defaults=[], defaults=[Constant(value=1, lineno=2, col_offset=25, end_lineno=2, end_col_offset=26)]), body=[Pass(lineno=3, col_offset=8, end_lineno=3, end_col_offset=12)], decorator_list=[], returns=Constant(value=None, lineno=2, col_offset=31, end_lineno=2, end_col_offset=35), lineno=2, col_offset=4, end_lineno=3, end_col_offset=12)], decorator_list=[], lineno=1, col_offset=0, end_lineno=3, end_col_offset=12)], type_ignores=[])"},
    {"for x in y:\n    pass\nelse:\n    z\n", "Module(body=[For(target=Name(id='x', ctx=Store(), lineno=1, col_offset=4, end_lineno=1, end_col_offset=5), iter=Name(id='y', ctx=Load(), lineno=1, col_offset=9, end_lineno=1, end_col_offset=10), body=[Pass(lineno=2, col_offset=4, end_lineno=2, end_col_offset=8)], orelse=[Expr(value=Name(id='z', ctx=Load(), lineno=4, col_offset=4, end_lineno=4, end_col_offset=5), lineno=4, col_offset=4, end_lineno=4, end_col_offset=5)], lineno=1, col_offset=0, end_lineno=4, end_col_offset=5)], type_ignores=[])"},
    {"with a as b, c: pass", "Module(body=[With(items=[withitem(context_expr=Name(id='a', ctx=Load(), lineno=1, col_offset=5, end_lineno=1, end_col_offset=6), optional_vars=Name(id='b', ctx=Store(), lineno=1, col_offset=10, end_lineno=1, end_col_offset=11)), withitem(context_expr=Name(id='c', ctx=Load(), lineno=1, col_offset=13, end_lineno=1, end_col_offset=14))], body=[Pass(lineno=1, col_offset=16, end_lineno=1, end_col_offset=20)], lineno=1, col_offset=0, end_lineno=1, end_col_offset=20)], type_ignores=[])"},
    {"import os.path as p", "Module(body=[Import(names=[alias(name='os.path', asname='p', lineno=1, col_offset=7, end_lineno=1, end_col_offset=19)], lineno=1, col_offset=0, end_lineno=1, end_col_offset=19)], type_ignores=[])"},
    {"x = \"a\"\\\n    \"b\"", "Module(body=[Assign(targets=[Name(id='x', ctx=Store(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=1)], value=Constant(value='ab', lineno=1, col_offset=4, end_lineno=2, end_col_offset=7), lineno=1, col_offset=0, end_lineno=2, end_col_offset=7)], type_ignores=[])"},
    {"x = \"\"\"a\nb\"\"\" + c", "Module(body=[Assign(targets=[Name(id='x', ctx=Store(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=1)], value=BinOp(left=Constant(value='a\\nb', lineno=1, col_offset=4, end_lineno=2, end_col_offset=4), op=Add(), right=Name(id='c', ctx=Load(), lineno=2, col_offset=7, end_lineno=2, end_col_offset=8), lineno=1, col_offset=4, end_lineno=2, end_col_offset=8), lineno=1, col_offset=0, end_lineno=2, end_col_offset=8)], type_ignores=[])"},
    {"lambda: (yield)", "Module(body=[Expr(value=Lambda(args=arguments(posonlyargs=[], args=[], kwonlyargs=[], kw_defaults=[], defaults=[]), body=Yield(lineno=1, col_offset=9, end_lineno=1, end_col_offset=14), lineno=1, col_offset=0, end_lineno=1, end_col_offset=15), lineno=1, col_offset=0, end_lineno=1, end_col_offset=15)], type_ignores=[])"},
    {"x = [i for i in\n     range(3)]", "Module(body=[Assign(targets=[Name(id='x', ctx=Store(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=1)], value=ListComp(elt=Name(id='i', ctx=Load(), lineno=1, col_offset=5, end_lineno=1, end_col_offset=6), generators=[comprehension(target=Name(id='i', ctx=Store(), lineno=1, col_offset=11, end_lineno=1, end_col_offset=12), iter=Call(func=Name(id='range', ctx=Load(), lineno=2, col_offset=5, end_lineno=2, end_col_offset=10), args=[Constant(value=3, lineno=2, col_offset=11, end_lineno=2, end_col_offset=12)], keywords=[], lineno=2, col_offset=5, end_lineno=2, end_col_offset=13), ifs=[], is_async=0)], lineno=1, col_offset=4, end_lineno=2, end_col_offset=14), lineno=1, col_offset=0, end_lineno=2, end_col_offset=14)], type_ignores=[])"},
    {"x = y = z", "Module(body=[Assign(targets=[Name(id='x', ctx=Store(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=1), Name(id='y', ctx=Store(), lineno=1, col_offset=4, end_lineno=1, end_col_offset=5)], value=Name(id='z', ctx=Load(), lineno=1, col_offset=8, end_lineno=1, end_col_offset=9), lineno=1, col_offset=0, end_lineno=1, end_col_offset=9)], type_ignores=[])"},
    {"del (a), [b]", "Module(body=[Delete(targets=[Name(id='a', ctx=Del(), lineno=1, col_offset=5, end_lineno=1, end_col_offset=6), List(elts=[Name(id='b', ctx=Del(), lineno=1, col_offset=10, end_lineno=1, end_col_offset=11)], ctx=Del(), lineno=1, col_offset=9, end_lineno=1, end_col_offset=12)], lineno=1, col_offset=0, end_lineno=1, end_col_offset=12)], type_ignores=[])"},
    {"x = é + 1", "Module(body=[Assign(targets=[Name(id='x', ctx=Store(), lineno=1, col_offset=0, end_lineno=1, end_col_offset=1)], value=BinOp(left=Name(id='é', ctx=Load(), lineno=1, col_offset=4, end_lineno=1, end_col_offset=6), op=Add(), right=Constant(value=1, lineno=1, col_offset=9, end_lineno=1, end_col_offset=10), lineno=1, col_offset=4, end_lineno=1, end_col_offset=10), lineno=1, col_offset=0, end_lineno=1, end_col_offset=10)], type_ignores=[])"},
};

static const struct err_case err_cases[] = {
    {"if x\n  pass", "SyntaxError", "expected ':'", 1, 5},
    {"if x:\npass", "IndentationError", "expected an indented block after 'if' statement on line 1", 2, 1},
    {"f() = 1", "SyntaxError", "cannot assign to function call here. Maybe you meant '==' instead of '='\?", 1, 1},
    {"f() += 1", "SyntaxError", "'function call' is an illegal expression for augmented assignment", 1, 1},
    {"del f()", "SyntaxError", "cannot delete function call", 1, 5},
    {"for f() in x: pass", "SyntaxError", "cannot assign to function call", 1, 5},
    {"(a, f()) = 1", "SyntaxError", "cannot assign to function call", 1, 5},
    {"if x:\n  a\n    b", "IndentationError", "unexpected indent", 3, 4},
    {"x = (", "SyntaxError", "'(' was never closed", 1, 5},
    {"x = 1 +", "SyntaxError", "invalid syntax", 1, 8},
    {"f(a for a in b, c)", "SyntaxError", "Generator expression must be parenthesized", 1, 3},
    {"x = $", "SyntaxError", "invalid syntax", 1, 5},
    {"x = 'abc", "SyntaxError", "unterminated string literal (detected at line 1)", 1, 5},
    {"x = \"\"\"ab\n", "SyntaxError", "unterminated triple-quoted string literal (detected at line 1)", 1, 5},
    {"0123", "SyntaxError", "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers", 1, 1},
    {"1abc", "SyntaxError", "invalid decimal literal", 1, 1},
    {"0x", "SyntaxError", "invalid hexadecimal literal", 1, 2},
    {"x = 0b2", "SyntaxError", "invalid digit '2' in binary literal", 1, 7},
    {"x = )", "SyntaxError", "unmatched ')'", 1, 5},
    {"x = (]", "SyntaxError", "closing parenthesis ']' does not match opening parenthesis '('", 1, 6},
    {"x = 1 if 2", "SyntaxError", "expected 'else' after 'if' expression", 1, 5},
    {"from a import b,", "SyntaxError", "trailing comma not allowed without surrounding parentheses", 1, 17},
    {"x = [1, 2", "SyntaxError", "'[' was never closed", 1, 5},
    {"for x in y:\nz", "IndentationError", "expected an indented block after 'for' statement on line 1", 2, 1},
    {"x = 1\n  y = 2", "IndentationError", "unexpected indent", 2, 2},
    {"del *a", "SyntaxError", "cannot delete starred", 1, 5},
    {"x = 1e", "SyntaxError", "invalid decimal literal", 1, 5},
    {"x = 1__0", "SyntaxError", "invalid decimal literal", 1, 6},
    {"x = \\ 1", "SyntaxError", "unexpected character after line continuation character", 1, 6},
    {"class A:\npass", "IndentationError", "expected an indented block after class definition on line 1", 2, 1},
    {"def f():\nreturn", "IndentationError", "expected an indented block after function definition on line 1", 2, 1},
    {"x = b\"a\" \"b\"", "SyntaxError", "cannot mix bytes and nonbytes literals", 1, 13},
    {"a = 1 = 2", "SyntaxError", "cannot assign to literal", 1, 5},
    {"if x:\n\ta\n        b", "TabError", "inconsistent use of tabs and spaces in indentation", 3, 1},
    {"x = 1j", "SyntaxError", "complex numbers are not supported by Weft", 1, 5},
    {"async def f(): pass", "SyntaxError", "async functions are not supported by Weft", 1, 1},
    {"@d\ndef f(): pass", "SyntaxError", "decorators are not supported by Weft", 1, 1},
    {"match x:\n    case 1:\n        pass", "SyntaxError", "match statements are not supported by Weft", 1, 1},
    {"a, *b = c", "SyntaxError", "star-unpacking assignment targets are not supported by Weft", 1, 4},
    {"for a, *b in c: pass", "SyntaxError", "star-unpacking assignment targets are not supported by Weft", 1, 8},
    {"x = [*a]", "SyntaxError", "starred expressions outside of call arguments are not supported by Weft", 1, 6},
    {"x = (y := 1)", "SyntaxError", "assignment expressions are not supported by Weft", 1, 8},
    {"if y := 1: pass", "SyntaxError", "assignment expressions are not supported by Weft", 1, 6},
    {"x = await y", "SyntaxError", "'await' expressions are not supported by Weft", 1, 5},
    {"x = {**a}", "SyntaxError", "dict unpacking (**) in dict displays is not supported by Weft", 1, 6},
    {"x = \"\\N{DASH}\"", "SyntaxError", "\\N{...} escapes are not supported by Weft", 1, 5},
    {"type X = int", "SyntaxError", "type alias statements are not supported by Weft", 1, 1},
    {"def f[T](): pass", "SyntaxError", "generic functions (type parameters) are not supported by Weft", 1, 6},
    {"try:\n  pass\nexcept* E:\n  pass", "SyntaxError", "except* is not supported by Weft", 3, 7},
    {"x = t\"a\"", "SyntaxError", "template strings are not supported by Weft", 1, 5},
    {"x = [a async for a in b]", "SyntaxError", "asynchronous comprehensions are not supported by Weft", 1, 8},
    {"x = f\"{x!z}\"", "SyntaxError", "f-string: invalid conversion character 'z': expected 's', 'r', or 'a'", 1, 10},
    {"x = f\"{}\"", "SyntaxError", "f-string: valid expression required before '}'", 1, 8},
    {"x = f\"{a\"", "SyntaxError", "f-string: expecting '}'", 1, 9},
    {"x = f\"}\"", "SyntaxError", "f-string: single '}' is not allowed", 1, 7},
    {"x = f'{a!}'", "SyntaxError", "f-string: missing conversion character", 1, 10},
    {"x = f\"abc", "SyntaxError", "unterminated f-string literal (detected at line 1)", 1, 5},
    {"x = (((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((())))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))", "SyntaxError", "too many nested parentheses", 1, -1},
};

// Dump [m] into a malloc'd string.
static char *
dump_to_string(const wf_ast_mod *m, int positions)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    if (positions)
        wf_ast_dump_positions(m, f);
    else
        wf_ast_dump(m, f);
    fclose(f);
    return buf;
}

static void
check_dumps(const struct dump_case *cases, size_t n, int positions)
{
    for (size_t i = 0; i < n; i++) {
        wf_ast_arena *arena = NULL;
        wf_syntax_error err;
        wf_ast_mod *m = wf_parse_module(cases[i].src, strlen(cases[i].src), &arena, &err);
        if (m == NULL)
            fail_msg("case %zu %s: unexpected %s: %s (%d:%d)", i, cases[i].src, err.kind,
                     err.msg, err.lineno, err.col_offset);
        char *got = dump_to_string(m, positions);
        if (strcmp(got, cases[i].dump) != 0)
            fail_msg("case %zu: %s\n  exp: %s\n  got: %s", i, cases[i].src, cases[i].dump, got);
        free(got);
        wf_ast_arena_free(arena);
    }
}

static void
test_parse_dumps_match_cpython(void **state)
{
    (void)state;
    check_dumps(dump_cases, sizeof dump_cases / sizeof dump_cases[0], 0);
}

static void
test_parse_positions_match_cpython(void **state)
{
    (void)state;
    check_dumps(pos_cases, sizeof pos_cases / sizeof pos_cases[0], 1);
}

static void
test_parse_errors_report_message_and_location(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof err_cases / sizeof err_cases[0]; i++) {
        const struct err_case *c = &err_cases[i];
        wf_ast_arena *arena = (wf_ast_arena *)1;
        wf_syntax_error err;
        wf_ast_mod *m = wf_parse_module(c->src, strlen(c->src), &arena, &err);
        if (m != NULL)
            fail_msg("case %zu %s: parsed but should fail", i, c->src);
        assert_null(arena);
        if (strcmp(err.msg, c->msg) != 0 || strcmp(err.kind, c->kind) != 0 ||
            err.lineno != c->lineno || (c->col >= 0 && err.col_offset != c->col)) {
            bad++;
            print_error("case %zu %s:\n  exp: %s: %s (%d:%d)\n  got: %s: %s (%d:%d)\n", i, c->src,
                     c->kind, c->msg, c->lineno, c->col, err.kind, err.msg, err.lineno,
                     err.col_offset);
        }
    }
    assert_int_equal(bad, 0);
}

static void
test_parse_null_byte_is_error(void **state)
{
    (void)state;
    static const char src[] = "x = 1\ny = 'a\0'\n";
    wf_ast_arena *arena;
    wf_syntax_error err;
    assert_null(wf_parse_module(src, sizeof src - 1, &arena, &err));
    assert_string_equal(err.msg, "source code cannot contain null bytes");
    assert_int_equal(err.lineno, 2);
}

static void
test_parse_source_need_not_be_nul_terminated(void **state)
{
    (void)state;
    char *src = malloc(5);
    memcpy(src, "x = 1", 5);        // no NUL: ASan catches any overread
    wf_ast_arena *arena;
    wf_syntax_error err;
    wf_ast_mod *m = wf_parse_module(src, 5, &arena, &err);
    assert_non_null(m);
    assert_int_equal(m->body.n, 1);
    wf_ast_arena_free(arena);
    memcpy(src, "x = '", 5);
    assert_null(wf_parse_module(src, 5, &arena, &err));
    free(src);
}

static void
test_parse_constants_have_c_values(void **state)
{
    (void)state;
    const char *src = "a = 9223372036854775807\nb = 0x10000000000000000\nc = 2.5\n"
                      "d = 'h\\xe9'\ne = b'\\x00z'\n";
    wf_ast_arena *arena;
    wf_syntax_error err;
    wf_ast_mod *m = wf_parse_module(src, strlen(src), &arena, &err);
    assert_non_null(m);
    const wf_ast_expr *v[5];
    for (int i = 0; i < 5; i++) {
        assert_int_equal(m->body.items[i]->kind, WF_AST_STMT_ASSIGN);
        v[i] = m->body.items[i]->v.assign.value;
        assert_int_equal(v[i]->kind, WF_AST_EXPR_CONSTANT);
    }
    assert_int_equal(v[0]->v.constant.kind, WF_AST_CONST_INT);
    assert_true(v[0]->v.constant.i == INT64_MAX);
    assert_int_equal(v[1]->v.constant.kind, WF_AST_CONST_BIG_INT);
    assert_string_equal(v[1]->v.constant.str, "18446744073709551616");
    assert_int_equal(v[2]->v.constant.kind, WF_AST_CONST_FLOAT);
    assert_true(v[2]->v.constant.f == 2.5);
    assert_int_equal(v[3]->v.constant.kind, WF_AST_CONST_STR);
    assert_int_equal(v[3]->v.constant.len, 3);
    assert_memory_equal(v[3]->v.constant.str, "h\xc3\xa9", 3);
    assert_int_equal(v[4]->v.constant.kind, WF_AST_CONST_BYTES);
    assert_int_equal(v[4]->v.constant.len, 2);
    assert_memory_equal(v[4]->v.constant.str, "\0z", 2);
    wf_ast_arena_free(arena);
}

static void
test_parse_fstrings_build_joined_str(void **state)
{
    (void)state;
    static const struct dump_case cases[] = {
        {"f'a{x!r:>{w}}b' 'c' f\"{y=}\"",
         "Module(body=[Expr(value=JoinedStr(values=[Constant(value='a'), FormattedValue(value=Name(id='x', ctx=Load()), conversion=114, format_spec=JoinedStr(values=[Constant(value='>'), FormattedValue(value=Name(id='w', ctx=Load()), conversion=-1)])), Constant(value='bcy='), FormattedValue(value=Name(id='y', ctx=Load()), conversion=114)]))], type_ignores=[])"},
        {"f\"{x['k']}{'a' + \"b\"}\"",
         "Module(body=[Expr(value=JoinedStr(values=[FormattedValue(value=Subscript(value=Name(id='x', ctx=Load()), slice=Constant(value='k'), ctx=Load()), conversion=-1), FormattedValue(value=BinOp(left=Constant(value='a'), op=Add(), right=Constant(value='b')), conversion=-1)]))], type_ignores=[])"},
        {"f\"{f'{x}'}\"",
         "Module(body=[Expr(value=JoinedStr(values=[FormattedValue(value=JoinedStr(values=[FormattedValue(value=Name(id='x', ctx=Load()), conversion=-1)]), conversion=-1)]))], type_ignores=[])"},
        {"f'{{}}{a}\\n' rf'\\n{b}'",
         "Module(body=[Expr(value=JoinedStr(values=[Constant(value='{}'), FormattedValue(value=Name(id='a', ctx=Load()), conversion=-1), Constant(value='\\n\\\\n'), FormattedValue(value=Name(id='b', ctx=Load()), conversion=-1)]))], type_ignores=[])"},
        {"f'''{\n  a\n}'''",
         "Module(body=[Expr(value=JoinedStr(values=[FormattedValue(value=Name(id='a', ctx=Load()), conversion=-1)]))], type_ignores=[])"},
        {"f''", "Module(body=[Expr(value=JoinedStr(values=[]))], type_ignores=[])"},
    };
    check_dumps(cases, sizeof cases / sizeof cases[0], 0);
}

static void
test_parse_fstring_field_positions(void **state)
{
    (void)state;
    // CPython 3.12+ (PEP 701): a field spans '{'..'}', text spans itself.
    const char *src = "x = f'ab{c}'";
    wf_ast_arena *arena;
    wf_syntax_error err;
    wf_ast_mod *m = wf_parse_module(src, strlen(src), &arena, &err);
    assert_non_null(m);
    const wf_ast_expr *js = m->body.items[0]->v.assign.value;
    assert_int_equal(js->col_offset, 4);
    assert_int_equal(js->end_col_offset, 12);
    const wf_ast_expr *text = js->v.joined_str.values.items[0];
    const wf_ast_expr *fv = js->v.joined_str.values.items[1];
    assert_int_equal(text->col_offset, 6);
    assert_int_equal(text->end_col_offset, 8);
    assert_int_equal(fv->col_offset, 8);
    assert_int_equal(fv->end_col_offset, 11);
    assert_int_equal(fv->v.formatted_value.value->col_offset, 9);
    wf_ast_arena_free(arena);
}

static void
test_parse_deep_nesting_is_an_error_not_a_crash(void **state)
{
    (void)state;
    static const char *const shapes[] = {"(", "[", "{", "-", "not ", "f(", "lambda: ",
                                         "a if b else ", "x[", "f'{"};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        size_t n = 5000, k = strlen(shapes[s]);
        char *src = malloc(n * k + 1);
        for (size_t i = 0; i < n; i++)
            memcpy(src + i * k, shapes[s], k);
        wf_ast_arena *arena;
        wf_syntax_error err;
        assert_null(wf_parse_module(src, n * k, &arena, &err));
        assert_true(err.msg[0] != '\0');
        free(src);
    }
    // Deep statement nesting too.
    size_t depth = 300;
    char *src = malloc(depth * (depth + 8));
    size_t o = 0;
    for (size_t i = 0; i < depth; i++) {
        memset(src + o, ' ', i);
        o += i;
        memcpy(src + o, "if x:\n", 6);
        o += 6;
    }
    wf_ast_arena *arena;
    wf_syntax_error err;
    assert_null(wf_parse_module(src, o, &arena, &err));
    free(src);
}

static void
test_parse_conformance_cases_parse(void **state)
{
    (void)state;
    const char *dir = getenv("WF_CONFORMANCE_DIR");
    if (dir == NULL)
        dir = "/work/shared/conformance/cases";
    DIR *d = opendir(dir);
    if (d == NULL)
        skip();
    struct dirent *de;
    int count = 0;
    while ((de = readdir(d)) != NULL) {
        size_t nl = strlen(de->d_name);
        if (nl < 3 || strcmp(de->d_name + nl - 3, ".py") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        fseek(f, 0, SEEK_END);
        long len = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *buf = malloc((size_t)len + 1);
        assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
        fclose(f);
        wf_ast_arena *arena;
        wf_syntax_error err;
        wf_ast_mod *m = wf_parse_module(buf, (size_t)len, &arena, &err);
        if (m == NULL)
            fail_msg("%s: %s: %s (%d:%d)", path, err.kind, err.msg, err.lineno, err.col_offset);
        wf_ast_arena_free(arena);
        free(buf);
        count++;
    }
    closedir(d);
    assert_true(count > 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_dumps_match_cpython),
        cmocka_unit_test(test_parse_positions_match_cpython),
        cmocka_unit_test(test_parse_errors_report_message_and_location),
        cmocka_unit_test(test_parse_null_byte_is_error),
        cmocka_unit_test(test_parse_source_need_not_be_nul_terminated),
        cmocka_unit_test(test_parse_constants_have_c_values),
        cmocka_unit_test(test_parse_fstrings_build_joined_str),
        cmocka_unit_test(test_parse_fstring_field_positions),
        cmocka_unit_test(test_parse_deep_nesting_is_an_error_not_a_crash),
        cmocka_unit_test(test_parse_conformance_cases_parse),
    };
    return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
