/* Parsing network headers out of byte arrays (Ethernet, IPv4 with
 * options, TCP/UDP), with bounds checks like a packet filter; the IPv4
 * header checksum.
// ARGS: classify i32:0
// ARGS: classify i32:1
// ARGS: classify i32:2
// ARGS: classify i32:3
// ARGS: ip_csum_ok i32:0
// ARGS: ip_csum_ok i32:1
// ARGS: dst_port i32:0
// ARGS: dst_port i32:1
*/
#include "diff.h"

static const u8 pkt0[] = { /* eth + ipv4 (ihl 5) + tcp to port 443 */
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00,
	0x45, 0x00, 0x00, 0x28, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 10, 0, 0, 1, 10, 0, 0, 2,
	0x9c, 0x40, 0x01, 0xbb, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0x72, 0x10, 0, 0, 0, 0 };
static const u8 pkt1[] = { /* ipv4 with 4 bytes of options + udp to 53 */
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00,
	0x46, 0x00, 0x00, 0x20, 0, 0, 0, 0, 0x40, 0x11, 0x00, 0x00, 192, 168, 1, 1, 8, 8, 8, 8, 1, 1, 1, 0,
	0xd4, 0x31, 0x00, 0x35, 0x00, 0x08, 0, 0 };
static const u8 pkt2[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x86, 0xdd, 0x60 }; /* ipv6 */
static const u8 pkt3[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00, 0x4f }; /* truncated */

static const u8 *const pkts[4] = { pkt0, pkt1, pkt2, pkt3 };
static const u32 lens[4] = { sizeof pkt0, sizeof pkt1, sizeof pkt2, sizeof pkt3 };

static u32 be16(const u8 *p) { return (u32)p[0] << 8 | p[1]; }

/* 4 = tcp, 17 = udp, 6 = ipv6, 0 = other, -1 = malformed */
EXPORT("classify")
int classify(u32 i)
{
	const u8 *p = pkts[i & 3];
	u32 len = lens[i & 3];
	if (len < 14) return -1;
	if (be16(p + 12) == 0x86dd) return 6;
	if (be16(p + 12) != 0x0800) return 0;
	if (len < 34) return -1;
	u32 ihl = (p[14] & 15) * 4;
	if (ihl < 20 || 14 + ihl + 4 > len) return -1;
	return p[23] == 6 ? 4 : p[23] == 17 ? 17 : 0;
}

static u32 csum(const u8 *p, u32 n)
{
	u32 s = 0;
	for (u32 i = 0; i + 1 < n; i += 2)
		s += be16(p + i);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

/* the checksum computed over the header, and whether a re-check is 0 */
EXPORT("ip_csum_ok")
u32 ip_csum_ok(u32 i)
{
	const u8 *ip = pkts[i & 1] + 14;
	u32 ihl = (ip[0] & 15) * 4;
	u8 hdr[60];
	for (u32 k = 0; k < ihl; k++) hdr[k] = ip[k];
	u32 c = csum(hdr, ihl);
	hdr[10] = (u8)(c >> 8);
	hdr[11] = (u8)c;
	return c << 16 | csum(hdr, ihl);
}

EXPORT("dst_port")
int dst_port(u32 i)
{
	int k = classify(i);
	if (k != 4 && k != 17) return -1;
	const u8 *p = pkts[i & 3];
	return (int)be16(p + 14 + (p[14] & 15) * 4 + 2);
}
