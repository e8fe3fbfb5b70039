package dev.poolguard.benchmarks.load;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import dev.poolguard.benchmarks.load.Recorder.Sample;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler.LegendLayout;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The chart the docs show (docs/benchmarks/outage-*.png): a fault scenario's responses per
 * second by outcome, the fault shaded. Everything else is in Gatling's HTML reports.
 *
 * @author PoolGuard
 */
final class Charts {

	private static final String[] OUTCOMES = { "2xx", "503 (shed / DB unavailable)", "500 and other errors",
			"no response (timeout)" };

	private static final Color[] COLORS = { new Color(0x2C, 0xA0, 0x2C), new Color(0xFF, 0x7F, 0x0E),
			new Color(0xD6, 0x27, 0x28), new Color(0x94, 0x67, 0xBD) };

	private static final Color SHADE = new Color(0, 0, 0, 40);

	private Charts() {
	}

	static void timeline(Path file, String title, String fault, List<Sample> samples, long faultFrom, long faultTo)
			throws IOException {
		long origin = samples.stream().mapToLong(Sample::startMillis).min().orElse(faultFrom);
		TreeMap<Long, long[]> perSecond = new TreeMap<>();
		for (Sample sample : samples) {
			long[] counts = perSecond.computeIfAbsent((sample.endMillis() - origin) / 1000, (s) -> new long[4]);
			counts[sample.ok() ? 0 : (sample.status() == 503) ? 1 : (sample.status() == Recorder.NO_RESPONSE) ? 3 : 2]++;
		}
		XYChart chart = new XYChartBuilder().width(1000)
			.height(420)
			.title(title + ", responses per second (" + fault + " shaded)")
			.xAxisTitle("seconds")
			.yAxisTitle("responses per second")
			.build();
		chart.getStyler().setChartBackgroundColor(Color.WHITE);
		chart.getStyler().setLegendPosition(LegendPosition.OutsideS);
		chart.getStyler().setLegendLayout(LegendLayout.Horizontal);
		chart.getStyler().setMarkerSize(0);
		double max = 1;
		for (int k = 0; k < OUTCOMES.length && !perSecond.isEmpty(); k++) {
			List<Double> x = new ArrayList<>();
			List<Double> y = new ArrayList<>();
			for (long s = perSecond.firstKey(); s <= perSecond.lastKey(); s++) {
				x.add((double) s);
				y.add((double) perSecond.getOrDefault(s, new long[4])[k]);
				max = Math.max(max, y.get(y.size() - 1));
			}
			if (k == 0 || y.stream().anyMatch((v) -> v > 0)) {
				XYSeries series = chart.addSeries(OUTCOMES[k], x, y);
				series.setMarker(SeriesMarkers.NONE);
				series.setLineColor(COLORS[k]);
				series.setLineStyle(new BasicStroke(1.5f));
			}
		}
		double from = (faultFrom - origin) / 1000.0;
		double to = (faultTo - origin) / 1000.0;
		XYSeries shade = chart.addSeries(fault, new double[] { from, from, to, to },
				new double[] { 0, max * 1.05, max * 1.05, 0 });
		shade.setXYSeriesRenderStyle(XYSeriesRenderStyle.Area);
		shade.setFillColor(SHADE);
		shade.setLineColor(SHADE);
		shade.setMarker(SeriesMarkers.NONE);
		Files.createDirectories(file.getParent());
		String name = file.toString();
		BitmapEncoder.saveBitmap(chart, name.substring(0, name.length() - ".png".length()), BitmapFormat.PNG);
	}

}
