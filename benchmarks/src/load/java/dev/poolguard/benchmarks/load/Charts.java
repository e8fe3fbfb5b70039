package dev.poolguard.benchmarks.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.poolguard.benchmarks.load.Recorder.Sample;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The PNG charts of docs/benchmarks.md, drawn headless with XChart from the recorded
 * responses.
 *
 * @author PoolGuard
 */
final class Charts {

	private static final Color[] CONFIG_COLORS = { new Color(0xD6, 0x27, 0x28), new Color(0xFF, 0x7F, 0x0E),
			new Color(0x1F, 0x77, 0xB4) };

	private static final Color DOWN = new Color(0, 0, 0, 40);

	private Charts() {
	}

	/**
	 * p50, p95 and p99 of one scenario, one bar per configuration, logarithmic.
	 */
	static void percentiles(Path file, String scenario, List<String> configs, List<Map<String, Object>> figures)
			throws IOException {
		CategoryChart chart = new CategoryChartBuilder().width(800)
			.height(450)
			.title("Latency percentiles, " + scenario)
			.xAxisTitle("percentile")
			.yAxisTitle("response time (ms)")
			.build();
		chart.getStyler().setLegendPosition(LegendPosition.InsideNW);
		chart.getStyler().setChartBackgroundColor(Color.WHITE);
		chart.getStyler().setLabelsVisible(true);
		chart.getStyler().setLabelsFontColor(Color.DARK_GRAY);
		for (int i = 0; i < configs.size(); i++) {
			Map<String, Object> f = figures.get(i);
			List<Double> values = List.of(positive(f.get("p50Ms")), positive(f.get("p95Ms")), positive(f.get("p99Ms")));
			chart.addSeries(configs.get(i), List.of("p50", "p95", "p99"), values)
				.setFillColor(CONFIG_COLORS[i % CONFIG_COLORS.length]);
		}
		save(chart, file);
	}

	/**
	 * Responses per second by outcome over a run (by completion time), with the database's
	 * down window shaded when there is one.
	 */
	static void timeline(Path file, String title, List<Sample> samples, long origin, long downFrom, long downTo)
			throws IOException {
		TreeMap<Long, long[]> perSecond = new TreeMap<>();
		for (Sample sample : Analysis.requests(samples)) {
			long second = (sample.endMillis() - origin) / 1000;
			long[] counts = perSecond.computeIfAbsent(second, s -> new long[4]);
			if (sample.ok()) {
				counts[0]++;
			}
			else if (sample.status() == 503) {
				counts[1]++;
			}
			else if (sample.status() == Recorder.NO_RESPONSE) {
				counts[3]++;
			}
			else {
				counts[2]++;
			}
		}
		XYChart chart = xyChart(1000, title, "seconds", "responses per second");
		chart.getStyler().setMarkerSize(0);
		if (perSecond.isEmpty()) {
			save(chart, file);
			return;
		}
		long last = perSecond.lastKey();
		String[] names = { "2xx", "503 (shed / DB unavailable)", "500 and other errors", "no response (timeout)" };
		Color[] colors = { new Color(0x2C, 0xA0, 0x2C), new Color(0xFF, 0x7F, 0x0E), new Color(0xD6, 0x27, 0x28),
				new Color(0x94, 0x67, 0xBD) };
		double max = 1;
		for (int k = 0; k < 4; k++) {
			List<Double> x = new ArrayList<>();
			List<Double> y = new ArrayList<>();
			for (long s = Math.max(0, perSecond.firstKey()); s <= last; s++) {
				long[] counts = perSecond.get(s);
				x.add((double) s);
				y.add(counts == null ? 0.0 : counts[k]);
				max = Math.max(max, y.get(y.size() - 1));
			}
			if (k > 0 && y.stream().allMatch(v -> v == 0)) {
				continue;
			}
			XYSeries series = chart.addSeries(names[k], x, y);
			series.setMarker(SeriesMarkers.NONE);
			series.setLineColor(colors[k]);
			series.setLineStyle(new BasicStroke(1.5f));
		}
		shadeDown(chart, origin, downFrom, downTo, max);
		save(chart, file);
	}

	/**
	 * p50 and p95 minute by minute of a long run, one pair of lines per configuration.
	 */
	static void perMinute(Path file, Map<String, String> labels, Map<String, List<Sample>> samples)
			throws IOException {
		XYChart chart = xyChart(1000, "Long endurance: latency minute by minute", "minute", "response time (ms)");
		for (Map.Entry<String, List<Sample>> entry : samples.entrySet()) {
			Color color = colorOf(entry.getKey());
			List<Map<String, Object>> minutes = Analysis.perMinute(entry.getValue());
			List<Double> x = minutes.stream().map((m) -> positive(m.get("minute"))).toList();
			for (String percentile : List.of("p50", "p95")) {
				List<Double> y = minutes.stream().map((m) -> positive(m.get(percentile + "Ms"))).toList();
				if (x.isEmpty()) {
					continue;
				}
				XYSeries series = chart.addSeries(labels.get(entry.getKey()) + " " + percentile, x, y);
				series.setMarker(SeriesMarkers.CIRCLE);
				series.setLineColor(color);
				series.setMarkerColor(color);
				series.setLineStyle(percentile.equals("p50")
						? new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] { 6, 4 }, 0)
						: new BasicStroke(2f));
			}
		}
		save(chart, file);
	}

	/**
	 * A repeated scenario's p95, round by round, one line per configuration.
	 */
	static void rounds(Path file, String scenario, Map<String, Object> labels,
			Map<String, List<Map<String, Object>>> rounds) throws IOException {
		XYChart chart = xyChart(800, "p95 round by round, " + scenario, "round", "p95 (ms)");
		chart.getStyler().setLegendLayout(LegendLayout.Vertical);
		chart.getStyler().setYAxisMin(0.0);
		rounds.forEach((id, figures) -> {
			Color color = colorOf(id);
			List<Double> x = figures.stream().map((f) -> positive(f.get("round"))).toList();
			List<Double> y = figures.stream().map((f) -> positive(f.get("p95Ms"))).toList();
			XYSeries series = chart.addSeries(String.valueOf(labels.get(id)), x, y);
			series.setMarker(SeriesMarkers.CIRCLE);
			series.setLineColor(color);
			series.setMarkerColor(color);
		});
		save(chart, file);
	}

	/**
	 * Slowest response per second (by start time) of each configuration during the outage
	 * scenario, logarithmic, with the down window shaded.
	 */
	static void outageLatency(Path file, List<String> configs, List<List<Sample>> samples, List<long[]> windows)
			throws IOException {
		XYChart chart = xyChart(1000, "Outage: slowest response per second (by request start), database down shaded",
				"seconds from the database stopping", "ms (log scale)");
		chart.getStyler().setYAxisLogarithmic(true);
		double max = 1;
		double maxDown = 0;
		for (int i = 0; i < configs.size(); i++) {
			long stop = windows.get(i)[0];
			maxDown = Math.max(maxDown, (windows.get(i)[1] - stop) / 1000.0);
			TreeMap<Long, Double> slowest = new TreeMap<>();
			for (Sample sample : Analysis.requests(samples.get(i))) {
				long second = Math.floorDiv(sample.startMillis() - stop, 1000);
				slowest.merge(second, Math.max(0.1, sample.elapsedMillis()), Math::max);
			}
			if (slowest.isEmpty()) {
				continue;
			}
			List<Double> x = new ArrayList<>();
			List<Double> y = new ArrayList<>();
			slowest.forEach((second, value) -> {
				x.add((double) second);
				y.add(value);
			});
			max = Math.max(max, y.stream().mapToDouble(Double::doubleValue).max().orElse(1));
			XYSeries series = chart.addSeries(configs.get(i), x, y);
			series.setMarker(SeriesMarkers.CIRCLE);
			series.setLineColor(CONFIG_COLORS[i % CONFIG_COLORS.length]);
			series.setMarkerColor(CONFIG_COLORS[i % CONFIG_COLORS.length]);
		}
		XYSeries down = chart.addSeries("database down", new double[] { 0, 0, maxDown, maxDown },
				new double[] { 0.1, max * 2, max * 2, 0.1 });
		down.setXYSeriesRenderStyle(XYSeriesRenderStyle.Area);
		down.setFillColor(DOWN);
		down.setLineColor(DOWN);
		down.setMarker(SeriesMarkers.NONE);
		save(chart, file);
	}

	private static void shadeDown(XYChart chart, long origin, long downFrom, long downTo, double max) {
		if (downFrom <= 0) {
			return;
		}
		double from = (downFrom - origin) / 1000.0;
		double to = (downTo - origin) / 1000.0;
		XYSeries down = chart.addSeries("database down", new double[] { from, from, to, to },
				new double[] { 0, max * 1.05, max * 1.05, 0 });
		down.setXYSeriesRenderStyle(XYSeriesRenderStyle.Area);
		down.setFillColor(DOWN);
		down.setLineColor(DOWN);
		down.setMarker(SeriesMarkers.NONE);
	}

	/** A white XY chart, 420 pixels high, its legend in one row below. */
	private static XYChart xyChart(int width, String title, String xAxisTitle, String yAxisTitle) {
		XYChart chart = new XYChartBuilder().width(width)
			.height(420)
			.title(title)
			.xAxisTitle(xAxisTitle)
			.yAxisTitle(yAxisTitle)
			.build();
		chart.getStyler().setChartBackgroundColor(Color.WHITE);
		chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
		chart.getStyler().setLegendLayout(LegendLayout.Horizontal);
		return chart;
	}

	/** The colour of a configuration: (a), (b) and (c) in every chart alike. */
	private static Color colorOf(String configuration) {
		return CONFIG_COLORS[Math.max(0, "abc".indexOf(configuration)) % CONFIG_COLORS.length];
	}

	private static double positive(Object value) {
		return (value instanceof Number number) ? Math.max(0.1, number.doubleValue()) : 0.1;
	}

	private static void save(Object chart, Path file) throws IOException {
		Files.createDirectories(file.getParent());
		String name = file.toString();
		String base = name.endsWith(".png") ? name.substring(0, name.length() - 4) : name;
		if (chart instanceof XYChart xy) {
			BitmapEncoder.saveBitmap(xy, base, BitmapFormat.PNG);
		}
		else if (chart instanceof CategoryChart category) {
			BitmapEncoder.saveBitmap(category, base, BitmapFormat.PNG);
		}
	}

}
