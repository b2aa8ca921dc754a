"""Image URLs (#13): timeouts, retries with backoff, a size cap, content checks, a cache keyed by
URL with its ETag, all against a server on 127.0.0.1."""

import time

from creative.inputs.fetch import ImageFetcher
from creative.inputs.product import Product


def test_a_passing_failure_is_retried_with_backoff(image_server, tmp_path):
    url = image_server.image("/flaky.png")
    good = image_server.routes["/flaky.png"]
    calls = []

    def flaky(handler):
        calls.append(time.monotonic())
        return (503, {"Retry-After": "0"}, b"busy") if len(calls) < 3 else good

    image_server.routes["/flaky.png"] = flaky
    result = ImageFetcher(tmp_path, retries=3, backoff=0.01).fetch(url)
    assert result.error is None and result.downloaded and result.path.read_bytes() == good[2]
    assert image_server.hits["/flaky.png"] == 3


def test_failures_that_cannot_pass_are_not_retried(image_server, tmp_path):
    image_server.routes["/forbidden.png"] = (403, {}, b"no")
    result = ImageFetcher(tmp_path, retries=3, backoff=0.01).fetch(image_server.url + "/forbidden.png")
    assert result.error == "HTTP 403 Forbidden" and image_server.hits["/forbidden.png"] == 1


def test_a_slow_server_times_out(image_server, tmp_path):
    url = image_server.image("/slow.png")
    good = image_server.routes["/slow.png"]

    def slow(handler):
        time.sleep(1.0)
        return good

    image_server.routes["/slow.png"] = slow
    result = ImageFetcher(tmp_path, timeout=0.2, retries=1, backoff=0.01).fetch(url)
    assert result.path is None and result.error == "timed out after 0.2 s (after 2 attempts)"


def test_size_cap_declared_or_streamed(image_server, tmp_path):
    url = image_server.image("/big.png")
    body = image_server.routes["/big.png"][2]
    result = ImageFetcher(tmp_path, max_bytes=100).fetch(url)
    assert result.path is None and "over the 100-byte limit" in result.error

    def chunked(handler):  # no Content-Length: the cap applies while reading
        return (200, {"Content-Length": None}, body)

    image_server.routes["/big.png"] = chunked
    assert "over the 100-byte limit" in ImageFetcher(tmp_path / "b", max_bytes=100).fetch(url).error


def test_the_cache_is_keyed_by_url_and_revalidated_with_its_etag(image_server, tmp_path):
    url = image_server.image("/a.png")
    first = ImageFetcher(tmp_path).fetch(url)
    again = ImageFetcher(tmp_path).fetch(url)
    assert first.downloaded and not again.downloaded and again.path == first.path
    assert image_server.hits["/a.png"] == 1
    refreshed = ImageFetcher(tmp_path, refresh=True).fetch(url)
    assert image_server.hits["/a.png"] == 2 and not refreshed.downloaded  # 304: nothing downloaded
    image_server.image("/a.png", colour=(0, 0, 255))  # the shop replaced the photo
    replaced = ImageFetcher(tmp_path, refresh=True).fetch(url)
    assert replaced.downloaded and replaced.path.read_bytes() == image_server.routes["/a.png"][2]
    # a cache entry cut short (bytes written, no metadata yet) is not taken for a whole one
    other = image_server.image("/b.png")
    data_path = ImageFetcher(tmp_path)._paths(other)[0]
    data_path.parent.mkdir(parents=True, exist_ok=True)
    data_path.write_bytes(b"half")
    assert ImageFetcher(tmp_path).fetch(other).downloaded


def test_urls_are_images_anywhere_a_path_is(image_server):
    url = image_server.image("/p.png")
    product = Product(images=[url], title="Mug")
    assert product.load_images()[0].size == (128, 128)
    image_server.routes["/p2.png"] = (404, {}, b"")
    try:
        Product(images=[image_server.url + "/p2.png"], title="Mug")
    except ValueError as e:
        assert "image 0: " in str(e) and "HTTP 404" in str(e)
    else:
        raise AssertionError("a failing URL must fail the product")
