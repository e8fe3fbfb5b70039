package dev.poolguard.benchmarks.load;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Just enough JSON for summary.json: maps, collections, strings, numbers, booleans, null.
 *
 * @author PoolGuard
 */
final class Json {

	private Json() {
	}

	static String write(Object value) {
		StringBuilder out = new StringBuilder();
		write(value, out, 0);
		return out.append('\n').toString();
	}

	private static void write(Object value, StringBuilder out, int indent) {
		if (value == null) {
			out.append("null");
		}
		else if (value instanceof Map<?, ?> map) {
			if (map.isEmpty()) {
				out.append("{}");
				return;
			}
			out.append("{\n");
			Iterator<? extends Map.Entry<?, ?>> entries = map.entrySet().iterator();
			while (entries.hasNext()) {
				Map.Entry<?, ?> entry = entries.next();
				pad(out, indent + 1).append(quote(String.valueOf(entry.getKey()))).append(": ");
				write(entry.getValue(), out, indent + 1);
				out.append(entries.hasNext() ? ",\n" : "\n");
			}
			pad(out, indent).append('}');
		}
		else if (value instanceof Collection<?> list) {
			out.append('[');
			Iterator<?> items = list.iterator();
			while (items.hasNext()) {
				write(items.next(), out, indent + 1);
				if (items.hasNext()) {
					out.append(", ");
				}
			}
			out.append(']');
		}
		else if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
			out.append("null");
		}
		else if (value instanceof Number || value instanceof Boolean) {
			out.append(value);
		}
		else {
			out.append(quote(value.toString()));
		}
	}

	private static StringBuilder pad(StringBuilder out, int indent) {
		return out.append("  ".repeat(indent));
	}

	private static String quote(String text) {
		StringBuilder quoted = new StringBuilder("\"");
		for (char c : text.toCharArray()) {
			switch (c) {
				case '"' -> quoted.append("\\\"");
				case '\\' -> quoted.append("\\\\");
				case '\n' -> quoted.append("\\n");
				case '\t' -> quoted.append("\\t");
				default -> {
					if (c < 0x20) {
						quoted.append(String.format("\\u%04x", (int) c));
					}
					else {
						quoted.append(c);
					}
				}
			}
		}
		return quoted.append('"').toString();
	}

}
