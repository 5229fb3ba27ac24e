package dev.deltaeval.charts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;

/** Checks that a chart file is a real, non-blank image: shared by every module that draws charts. */
public final class ChartAssertions {
    private ChartAssertions() {
    }

    /** A PNG of the given size showing at least {@code minColours} distinct colours (a blank chart shows 1-3). */
    public static void assertPng(Path f, int width, int height, int minColours) throws Exception {
        BufferedImage img = ImageIO.read(f.toFile());
        assertTrue(img != null, f + " is not a readable PNG");
        assertEquals(width, img.getWidth(), f + " width");
        assertEquals(height, img.getHeight(), f + " height");
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                seen.add(img.getRGB(x, y));
            }
        }
        assertTrue(seen.size() >= minColours, f + " looks blank: " + seen.size() + " colours");
    }

    /** Well-formed SVG (parsed without fetching its DTD) with drawn paths. */
    public static void assertSvg(Path f) throws Exception {
        DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
        dbf.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        Document svg = dbf.newDocumentBuilder().parse(f.toFile());
        assertEquals("svg", svg.getDocumentElement().getTagName(), f + " root element");
        assertTrue(svg.getElementsByTagName("path").getLength() + svg.getElementsByTagName("polyline").getLength() > 5,
                f + " has no drawn lines");
        assertTrue(Files.size(f) > 2000, f + " is suspiciously small");
    }
}
