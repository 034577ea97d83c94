/*
 * ir_print.c — the IR's text form (`wasm2bpf --emit=ir`).
 *
 * One instruction per line, nested scopes indented, vregs as %N with their
 * type at the definition, locals as $N, labels as @N:
 *
 *     func $fac (param i64) (result i64)
 *       local $1 i64
 *       %0:i64 = local.get $0
 *       loop @1 iter(max=1000000 launder=$1)
 *         ...
 *         br_if %7 @1
 *       end
 *       return %9
 *     end
 *
 * The text is what golden tests compare, so it is stable: no addresses, no
 * hash order, nothing that depends on the machine.
 */
#include "ir.h"

#include <inttypes.h>

static void indent(FILE *out, int depth)
{
	for (int i = 0; i < depth; i++)
		fputs("  ", out);
}

static void print_vreg_def(FILE *out, const struct ir_func *f, uint32_t v)
{
	fprintf(out, "%%%u:%s", v, ir_type_name(f->vreg_types[v]));
}

static void print_region(FILE *out, const struct ir_module *m, const struct ir_func *f,
			 const struct ir_region *r, int depth);

static const char *region_name(uint8_t region)
{
	switch ((enum ir_mem_region)region) {
	case IR_MEM_UNDECIDED: return "";
	case IR_MEM_INSTANCE: return " instance";
	case IR_MEM_PACKET: return " packet";
	case IR_MEM_DISPATCH: return " dispatch";
	case IR_MEM_MAP_VALUE: return " map_value";
	case IR_MEM_ANY: return " any";
	case IR_MEM_FRAME: return " frame";
	}
	return " ?";
}

/* " map_value(sites 0,2)": the lookup sites a map value access may reach. */
static const char *access_region(const struct ir_inst *i, char *buf, size_t n)
{
	size_t k;

	if (i->u.mem.region != IR_MEM_MAP_VALUE && i->u.mem.region != IR_MEM_ANY)
		return region_name(i->u.mem.region);
	k = (size_t)snprintf(buf, n, "%s(sites", region_name(i->u.mem.region));
	for (unsigned s = 0, first = 1; s < 64 && k < n; s++)
		if (i->u.mem.sites >> s & 1) {
			k += (size_t)snprintf(buf + k, n - k, "%s%u", first ? " " : ",", s);
			first = 0;
		}
	if (k < n)
		snprintf(buf + k, n - k, ")");
	return buf;
}


static void print_inst(FILE *out, const struct ir_module *m, const struct ir_func *f,
		       const struct ir_inst *i, int depth)
{
	char buf[300];

	indent(out, depth);
	switch ((enum ir_kind)i->kind) {
	case IR_CONST:
		print_vreg_def(out, f, i->dst);
		if (i->type == IR_I32)
			fprintf(out, " = i32.const %" PRId32 "\n", (int32_t)i->u.imm);
		else
			fprintf(out, " = i64.const %" PRId64 "\n", i->u.imm);
		break;
	case IR_NUM: {
		const struct ir_numop_info *info = &ir_numop_info[i->u.numop];

		print_vreg_def(out, f, i->dst);
		fprintf(out, " = %s %%%u", info->text, i->a);
		if (info->nops > 1)
			fprintf(out, " %%%u", i->b);
		if (i->flags & IR_F_GUARDED)
			fputs(" guarded", out);
		fputc('\n', out);
		break;
	}
	case IR_SELECT:
		print_vreg_def(out, f, i->dst);
		fprintf(out, " = select %%%u %%%u %%%u\n", i->a, i->b, i->c);
		break;
	case IR_LOCAL_GET:
		print_vreg_def(out, f, i->dst);
		fprintf(out, " = local.get $%u\n", i->u.local);
		break;
	case IR_LOCAL_SET:
		fprintf(out, "local.set $%u %%%u\n", i->u.local, i->a);
		break;
	case IR_CALL: {
		const struct ir_func *callee = &m->funcs[i->u.call.func];

		for (uint32_t k = 0; k < i->u.call.nresults; k++) {
			if (k)
				fputs(", ", out);
			print_vreg_def(out, f, i->u.call.results[k]);
		}
		if (i->u.call.nresults)
			fputs(" = ", out);
		fprintf(out, "call $%s(", callee->symbol);
		for (uint32_t k = 0; k < i->u.call.nargs; k++)
			fprintf(out, "%s%%%u", k ? ", " : "", i->u.call.args[k]);
		fputs(")\n", out);
		break;
	}
	case IR_BLOCK:
		fprintf(out, "block @%u\n", i->u.scope.label->id);
		print_region(out, m, f, &i->u.scope.body, depth + 1);
		indent(out, depth);
		fputs("end\n", out);
		break;
	case IR_LOOP: {
		const struct ir_loop_info *li = &i->u.scope.loop;

		fprintf(out, "loop @%u", i->u.scope.label->id);
		switch ((enum ir_loop_lowering)li->lowering) {
		case IR_LOOP_UNLOWERED: break;
		case IR_LOOP_PLAIN:
			fprintf(out, " plain(max=%u)", li->max_iters);
			break;
		case IR_LOOP_COUNTED:
		case IR_LOOP_CALLBACK:
		case IR_LOOP_ITER:
		case IR_LOOP_GLOBAL:
			fprintf(out, " %s(max=%u", li->lowering == IR_LOOP_ITER ? "iter" :
				li->lowering == IR_LOOP_COUNTED ? "counted" :
				li->lowering == IR_LOOP_GLOBAL ? "global" : "callback", li->max_iters);
			if (li->nlaundered) {
				fputs(" launder=", out);
				for (uint32_t k = 0; k < li->nlaundered; k++)
					fprintf(out, "%s$%u", k ? "," : "", li->laundered[k]);
			}
			if (li->nused) {
				fputs(" ctx=", out);
				for (uint32_t k = 0; k < li->nused; k++)
					fprintf(out, "%s$%u", k ? "," : "", li->used[k]);
			}
			fputc(')', out);
			break;
		}
		fputc('\n', out);
		print_region(out, m, f, &i->u.scope.body, depth + 1);
		indent(out, depth);
		fputs("end\n", out);
		break;
	}
	case IR_IF:
		fprintf(out, "if %%%u @%u\n", i->a, i->u.scope.label->id);
		print_region(out, m, f, &i->u.scope.body, depth + 1);
		if (i->u.scope.else_body.n) {
			indent(out, depth);
			fputs("else\n", out);
			print_region(out, m, f, &i->u.scope.else_body, depth + 1);
		}
		indent(out, depth);
		fputs("end\n", out);
		break;
	case IR_BR:
		fprintf(out, "br @%u\n", i->u.target->id);
		break;
	case IR_BR_IF:
		fprintf(out, "br_if %%%u @%u\n", i->a, i->u.target->id);
		break;
	case IR_BR_TABLE:
		fprintf(out, "br_table %%%u [", i->a);
		for (uint32_t k = 0; k < i->u.table.ntargets; k++)
			fprintf(out, "%s@%u", k ? " " : "", i->u.table.targets[k]->id);
		fprintf(out, "] @%u\n", i->u.table.dflt->id);
		break;
	case IR_RETURN:
		fputs("return", out);
		for (uint32_t k = 0; k < i->u.ret.nvals; k++)
			fprintf(out, " %%%u", i->u.ret.vals[k]);
		fputc('\n', out);
		break;
	case IR_TRAP:
		fprintf(out, "trap %s\n", w2b_trap_id(i->u.trap));
		break;
	case IR_TRAP_IF:
		fprintf(out, "trap_if %%%u %s\n", i->a, w2b_trap_id(i->u.trap));
		break;
	case IR_LOAD:
		print_vreg_def(out, f, i->dst);
		fprintf(out, " = load%u%s [%%%u+%u]%s\n", i->u.mem.width * 8,
			i->u.mem.width < (i->type == IR_I32 ? 4 : 8) ?
			(i->flags & IR_F_SIGNED ? "_s" : "_u") : "",
			i->a, i->u.mem.offset, access_region(i, buf, sizeof(buf)));
		break;
	case IR_STORE:
		fprintf(out, "store%u [%%%u+%u] %%%u%s\n", i->u.mem.width * 8, i->a,
			i->u.mem.offset, i->b, access_region(i, buf, sizeof(buf)));
		break;
	case IR_ATOMIC_RMW: {
		static const char *const ops[] = { "add", "sub", "and", "or", "xor", "xchg" };

		print_vreg_def(out, f, i->dst);
		fprintf(out, " = atomic.%s%u [%%%u+%u] %%%u%s\n", ops[i->u.mem.rmw % 6],
			i->u.mem.width * 8, i->a, i->u.mem.offset, i->b, access_region(i, buf, sizeof(buf)));
		break;
	}
	case IR_CTX_GET:
		print_vreg_def(out, f, i->dst);
		fprintf(out, " = ctx.%s\n", ir_ctx_fields[i->u.ctx.field].name);
		break;
	case IR_CTX_SET:
		fprintf(out, "ctx.set_%s %%%u\n", ir_ctx_fields[i->u.ctx.field].name, i->a);
		break;
	case IR_CORE:
		print_vreg_def(out, f, i->dst);
		if (i->a != IR_NOVAL)
			fprintf(out, " = core.%s %%%u\n", i->u.core->text, i->a);
		else
			fprintf(out, " = core.%s\n", i->u.core->text);
		break;
	case IR_ATOMIC_CMPXCHG:
		print_vreg_def(out, f, i->dst);
		fprintf(out, " = atomic.cmpxchg%u [%%%u+%u] %%%u %%%u%s\n", i->u.mem.width * 8, i->a,
			i->u.mem.offset, i->b, i->c, access_region(i, buf, sizeof(buf)));
		break;
	case IR_GLOBAL_GET:
		print_vreg_def(out, f, i->dst);
		fprintf(out, " = global.get @g%u\n", i->u.global);
		break;
	case IR_GLOBAL_SET:
		fprintf(out, "global.set @g%u %%%u\n", i->u.global, i->a);
		break;
	case IR_HELPER_CALL:
		if (i->dst != IR_NOVAL) {
			print_vreg_def(out, f, i->dst);
			fputs(" = ", out);
		}
		fprintf(out, "helper %s(", ir_helpers[i->u.call.func].name);
		for (uint32_t k = 0; k < i->u.call.nargs; k++)
			fprintf(out, "%s%s%%%u", k ? ", " : "",
				k < 8 && (i->u.call.frame_args >> k & 1) ? "frame " : "",
				i->u.call.args[k]);
		fputs(")", out);
		if (i->u.call.map != IR_NOVAL)
			fprintf(out, " map %s", m->maps[i->u.call.map].name);
		if (i->u.call.site != IR_NOVAL)
			fprintf(out, " site %u", i->u.call.site);
		fputs("\n", out);
		break;
	case IR_MEMORY_COPY:
	case IR_MEMORY_FILL:
		fprintf(out, "memory.%s %%%u %%%u %%%u%s\n", i->kind == IR_MEMORY_COPY ? "copy" : "fill",
			i->a, i->b, i->c, region_name(i->u.mem.region));
		break;
	}
}

static void print_region(FILE *out, const struct ir_module *m, const struct ir_func *f,
			 const struct ir_region *r, int depth)
{
	for (uint32_t k = 0; k < r->n; k++)
		print_inst(out, m, f, r->insts[k], depth);
}

void ir_print_func(FILE *out, const struct ir_module *m, const struct ir_func *f)
{
	fprintf(out, "func $%s", f->symbol);
	if (f->nparams) {
		fputs(" (param", out);
		for (uint32_t k = 0; k < f->nparams; k++)
			fprintf(out, " %s", ir_type_name(f->local_types[k]));
		fputc(')', out);
	}
	if (f->nresults) {
		fputs(" (result", out);
		for (uint32_t k = 0; k < f->nresults; k++)
			fprintf(out, " %s", ir_type_name(f->results[k]));
		fputc(')', out);
	}
	if (f->may_trap)
		fputs(" may_trap", out);
	if (f->packet)
		fputs(" packet", out);
	if (f->frame_size)
		fprintf(out, " frame %u", f->frame_size);
	fputc('\n', out);
	for (uint32_t k = f->nparams; k < f->nlocals; k++)
		fprintf(out, "  local $%u %s\n", k, ir_type_name(f->local_types[k]));
	print_region(out, m, f, &f->body, 1);
	fputs("end\n", out);
}

void ir_print_module(FILE *out, const struct ir_module *m)
{
	if (m->memory.present)
		fprintf(out, "memory %u pages, %u bytes, %u data segments\n", m->memory.pages,
			m->memory.size, m->memory.ndatas);
	for (uint32_t k = 0; k < m->nglobals; k++) {
		const struct ir_global *g = &m->globals[k];

		fprintf(out, "global @g%u %s%s = %lld", k, g->mutable_ ? "mut " : "",
			ir_type_name((enum ir_type)g->type), (long long)g->init);
		if (g->symbol)
			fprintf(out, " rodata %s", g->symbol);
		fputc('\n', out);
	}
	for (uint32_t k = 0; k < m->nentries; k++) {
		const struct ir_entry *e = &m->entries[k];

		fprintf(out, "entry %s \"%s\" $%s\n", e->section, e->export_name,
			m->funcs[e->func].symbol);
	}
	for (uint32_t k = 0; k < m->nfuncs; k++) {
		if (!m->funcs[k].reachable)
			continue;
		fputc('\n', out);
		ir_print_func(out, m, &m->funcs[k]);
	}
}
