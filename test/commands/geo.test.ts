import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Differential } from '../helpers/differential.js';
import { DoubleReply } from '../../src/engine/reply.js';
import {
  crAsin,
  crCos,
  crSin,
  decodeGeohashScore,
  formatDistance,
  formatHumanDouble,
  geohashString,
  geoScore,
} from '../../src/engine/geohash.js';

let d: Differential;
beforeAll(async () => {
  d = await Differential.start();
});
afterAll(async () => {
  await d.stop();
});
beforeEach(async () => {
  await d.reset();
});

const SICILY = 'GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 12.758489 38.788135 edge1 17.241510 38.788135 edge2';

describe('GEOADD GEOPOS GEODIST GEOHASH', () => {
  it('matches Redis byte for byte', async () => {
    await d.script(`
      ${SICILY}
      GEOADD Sicily 13.361389 38.115556 Palermo
      GEOADD Sicily CH 13.361389 38.115556 Palermo 13.5 38 Palermo
      GEOADD Sicily NX 1 1 Palermo 2 2 newone
      GEOADD Sicily XX 1 1 Palermo 2 2 other
      GEOADD Sicily XX CH 3 3 Palermo
      GEOADD Sicily NX XX 1 1 a
      GEOADD Sicily 1 2
      GEOADD Sicily 1 2 a 3
      GEOADD Sicily 200 100 x
      GEOADD Sicily -180.1 0 x
      GEOADD Sicily 0 85.06 x
      GEOADD Sicily abc 1 x
      GEOADD Sicily 1 abc x
      GEOADD Sicily GT 1 1 x
      GEOADD Sicily -180 -85.05112878 corner 180 85.05112878 corner2 0 0 origin
      GEOPOS Sicily Palermo Catania nosuch corner corner2 origin newone
      GEOPOS nokey a b
      GEODIST Sicily Palermo Catania
      GEODIST Sicily Palermo Catania km
      GEODIST Sicily Palermo Catania KM
      GEODIST Sicily Palermo Catania mi
      GEODIST Sicily Palermo Catania ft
      GEODIST Sicily Palermo Catania m
      GEODIST Sicily Palermo Palermo
      GEODIST Sicily Palermo nosuch
      GEODIST Sicily corner corner2
      GEODIST Sicily Palermo Catania furlong
      GEODIST Sicily Palermo Catania km extra
      GEODIST nokey a b
      GEODIST nokey a b furlong
      GEOHASH Sicily Palermo Catania nosuch corner corner2 origin
      GEOHASH nokey a
      ZRANGE Sicily 0 -1 WITHSCORES
      SET s x
      GEOADD s 1 1 a
      GEOPOS s a
      GEODIST s a b
      GEOHASH s a
    `);
    expect(d.compared).toBeGreaterThan(30);
  });

  it('RESP3 GEOPOS coordinates', async () => {
    await d.script(SICILY);
    await d.both('HELLO', '3');
    await d.script(`
      GEOPOS Sicily Palermo nosuch
      GEODIST Sicily Palermo Catania
      GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 200 km ASC WITHCOORD WITHDIST
    `);
    // Redis sends ",13.36138933897018433" (addReplyHumanLongDouble): the reply carries that text.
    const r = (await d.session.execute(['GEOPOS', 'Sicily', 'Palermo'])) as unknown[][];
    const lon = r[0]![0] as DoubleReply;
    expect(lon).toBeInstanceOf(DoubleReply);
    expect(lon.text).toBe('13.36138933897018433');
    expect((r[0]![1] as DoubleReply).text).toBe('38.11555639549629859');
  });
});

describe('GEOSEARCH / GEORADIUS', () => {
  it('searches like Redis', async () => {
    await d.script(`
      ${SICILY}
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km DESC
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 400 km ASC WITHCOORD WITHDIST WITHHASH
      GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHCOORD WITHDIST
      GEOSEARCH Sicily FROMMEMBER Palermo BYBOX 200 200 km DESC WITHDIST
      GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 100 mi WITHDIST
      GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1000000 ft WITHDIST
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 400 km COUNT 1
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 400 km COUNT 2 DESC
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 400 km COUNT 1 ANY
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 400 km COUNT 10 ANY ASC
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 m
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 0 m
      GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 0 m WITHDIST
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ANY
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km COUNT 0
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km COUNT -1
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km COUNT a
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS -1 km
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS a km
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 furlong
      GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX -1 1 km
      GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX a 1 km
      GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 a km
      GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 1 furlong
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km BYBOX 1 1 km
      GEOSEARCH Sicily FROMLONLAT 15 37 FROMMEMBER Palermo BYRADIUS 1 km
      GEOSEARCH Sicily FROMMEMBER nosuch BYRADIUS 1 km
      GEOSEARCH Sicily FROMLONLAT 200 37 BYRADIUS 1 km
      GEOSEARCH Sicily BYRADIUS 1 km ASC
      GEOSEARCH Sicily FROMLONLAT 15 37 ASC WITHDIST
      geosearch Sicily FROMLONLAT 15 37 ASC WITHDIST
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km STORE x
      GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km STOREDIST
      GEOSEARCH nokey FROMMEMBER a BYRADIUS 1 km
      GEOSEARCH nokey FROMMEMBER a ASC
      GEOSEARCH nokey FROMLONLAT 1 1 BYRADIUS 1 km WITHDIST
      GEORADIUS Sicily 15 37 200 km WITHDIST WITHCOORD ASC
      GEORADIUS Sicily 15 37 200 km COUNT 1
      GEORADIUS Sicily 15 37 -1 km
      GEORADIUS Sicily 15 37 200 furlong
      GEORADIUS Sicily 200 37 200 km
      GEORADIUS Sicily 15 37 200 km FROMMEMBER Palermo
      GEORADIUS Sicily 15 37 200 km STORE dst WITHDIST
      GEORADIUS_RO Sicily 15 37 200 km ASC WITHHASH
      GEORADIUS_RO Sicily 15 37 200 km STORE dst
      GEORADIUSBYMEMBER Sicily Palermo 200 km WITHDIST ASC
      GEORADIUSBYMEMBER Sicily nosuch 200 km
      GEORADIUSBYMEMBER nokey nosuch abc km
      GEORADIUSBYMEMBER nokey nosuch 1 km STORE dst
      GEORADIUSBYMEMBER_RO Sicily Palermo 200 km DESC
      GEORADIUSBYMEMBER_RO Sicily Palermo 200 km STOREDIST dst
      SET s x
      GEOSEARCH s FROMLONLAT 1 1 BYRADIUS 1 km
      GEORADIUS s 1 1 1 km
    `);
  });

  it('STORE, STOREDIST and GEOSEARCHSTORE', async () => {
    await d.script(`
      ${SICILY}
      GEORADIUS Sicily 15 37 200 km STORE dst
      ZRANGE dst 0 -1 WITHSCORES
      OBJECT ENCODING dst
      GEORADIUS Sicily 15 37 200 km STOREDIST dst
      ZRANGE dst 0 -1 WITHSCORES
      GEORADIUSBYMEMBER Sicily Palermo 500 km STORE dst COUNT 2 DESC
      ZRANGE dst 0 -1 WITHSCORES
      GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC COUNT 3
      ZRANGE dst 0 -1 WITHSCORES
      GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYBOX 400 400 km STOREDIST
      ZRANGE dst 0 -1 WITHSCORES
      GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 1 m
      EXISTS dst
      GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST
      GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km STORE x
      GEOSEARCHSTORE dst nokey FROMLONLAT 15 37 BYRADIUS 200 km
      GEORADIUS Sicily 15 37 200 km STORE dst
      GEORADIUS nokey 15 37 200 km STORE dst
      EXISTS dst
    `);
  });

  it('many points: box order, COUNT, ANY and sorting agree with Redis', async () => {
    const args: string[] = ['GEOADD', 'pts'];
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 300; i++) {
      args.push((2 + rnd() * 2).toFixed(6), (45 + rnd() * 2).toFixed(6), 'p' + i);
    }
    await d.do(...args);
    await d.do('OBJECT', 'ENCODING', 'pts');
    for (const r of ['5', '20', '50', '120', '300']) {
      await d.do('GEOSEARCH', 'pts', 'FROMLONLAT', '3', '46', 'BYRADIUS', r, 'km');
      await d.do('GEOSEARCH', 'pts', 'FROMLONLAT', '3', '46', 'BYRADIUS', r, 'km', 'WITHDIST', 'ASC');
      await d.do('GEOSEARCH', 'pts', 'FROMLONLAT', '3', '46', 'BYBOX', r, r, 'km', 'WITHHASH');
      await d.do('GEOSEARCH', 'pts', 'FROMMEMBER', 'p7', 'BYRADIUS', r, 'km', 'COUNT', '5', 'ANY');
      await d.do('GEOSEARCH', 'pts', 'FROMMEMBER', 'p7', 'BYRADIUS', r, 'km', 'COUNT', '5', 'DESC', 'WITHDIST');
    }
    await d.do('GEOSEARCH', 'pts', 'FROMLONLAT', '179.9', '84', 'BYRADIUS', '5000', 'km', 'WITHDIST');
    await d.do('GEOSEARCH', 'pts', 'FROMLONLAT', '-179.9', '-84', 'BYBOX', '30000', '100', 'km');
    await d.do('GEOSEARCH', 'pts', 'FROMLONLAT', '0', '0', 'BYRADIUS', '20000', 'km', 'COUNT', '3');
  });
});

describe('geohash unit', () => {
  it('sin, cos and asin are correctly rounded', () => {
    // Values where V8's fdlibm ports are 1 ulp off (checked against high-precision sums).
    expect(crSin(0.825270834915651)).toBe(0.7347315322227713);
    expect(crSin(0.2948868137828029)).toBe(0.2906315514464271);
    expect(crAsin(0.15246578863704952)).toBe(0.1530627532136131);
    expect(crAsin(0.9380592324898083)).toBe(1.2169856777833574);
    for (const x of [0, 1e-300, 0.5, 1, Math.PI / 2, -Math.PI, 3]) {
      expect(Math.abs(crSin(x) - Math.sin(x))).toBeLessThanOrEqual(Math.abs(Math.sin(x)) * 2.3e-16);
      expect(Math.abs(crCos(x) - Math.cos(x))).toBeLessThanOrEqual(2.3e-16);
    }
    expect(crAsin(1)).toBe(Math.PI / 2);
    expect(crAsin(0)).toBe(0);
    expect(Number.isNaN(crAsin(1.0000000000000002))).toBe(true);
  });

  it('encodes and decodes as Redis', () => {
    const s = geoScore(13.361389, 38.115556)!;
    expect(s).toBe(3479099956230698);
    const [lon, lat] = decodeGeohashScore(s);
    expect(formatHumanDouble(lon)).toBe('13.36138933897018433');
    expect(formatHumanDouble(lat)).toBe('38.11555639549629859');
    expect(geohashString(s)).toBe('sqc8b49rny0');
    expect(geoScore(200, 0)).toBeNull();
    expect(formatDistance(166274.15156960033)).toBe('166274.1516');
    expect(formatDistance(0)).toBe('0.0000');
    expect(formatDistance(0.00005)).toBe('0.0000');
  });
});

describe('randomized geo differential', () => {
  for (const [name, entries] of [['listpack', '1000'], ['skiplist', '0']] as const) {
    it(`random points and searches (${name})`, async () => {
      await d.do('CONFIG', 'SET', 'zset-max-listpack-entries', entries);
      let seed = name === 'listpack' ? 4242 : 777;
      const rnd = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      const centers: Array<[number, number]> = [[0, 0], [179.5, 10], [-179.5, -10], [10, 84], [-20, -84], [13.4, 52.5], [-74, 40.7]];
      const args: string[] = ['GEOADD', 'g'];
      for (let i = 0; i < 400; i++) {
        const [clon, clat] = centers[i % centers.length]!;
        let lon = clon + (rnd() - 0.5) * 6;
        let lat = clat + (rnd() - 0.5) * 4;
        if (lon > 180) lon -= 360;
        if (lon < -180) lon += 360;
        lat = Math.max(-85, Math.min(85, lat));
        args.push(lon.toFixed(6), lat.toFixed(6), 'p' + i);
      }
      await d.do(...args);
      await d.do('OBJECT', 'ENCODING', 'g');
      const units = ['m', 'km', 'mi', 'ft'];
      for (let q = 0; q < 120; q++) {
        const [clon, clat] = centers[q % centers.length]!;
        const lon = Math.max(-180, Math.min(180, clon + (rnd() - 0.5) * 4)).toFixed(5);
        const lat = Math.max(-85, Math.min(85, clat + (rnd() - 0.5) * 3)).toFixed(5);
        const unit = units[q % 4]!;
        const scale = unit === 'm' ? 1000 : unit === 'ft' ? 3280 : 1;
        const r = String(Math.round((rnd() * 400 + 1) * scale));
        const from = rnd() < 0.3 ? ['FROMMEMBER', 'p' + Math.floor(rnd() * 400)] : ['FROMLONLAT', lon, lat];
        const by = rnd() < 0.5 ? ['BYRADIUS', r, unit] : ['BYBOX', r, String(Math.round(Number(r) * (0.5 + rnd()))), unit];
        const opts: string[] = [];
        if (rnd() < 0.5) opts.push('WITHDIST');
        if (rnd() < 0.3) opts.push('WITHCOORD');
        if (rnd() < 0.3) opts.push('WITHHASH');
        const sortPick = rnd();
        if (sortPick < 0.3) opts.push('ASC');
        else if (sortPick < 0.6) opts.push('DESC');
        if (rnd() < 0.3) opts.push('COUNT', String(1 + Math.floor(rnd() * 5)), ...(rnd() < 0.3 ? ['ANY'] : []));
        await d.do('GEOSEARCH', 'g', ...from, ...by, ...opts);
        if (q % 10 === 0) {
          await d.do('GEOSEARCHSTORE', 'dst', 'g', ...from, ...by, 'STOREDIST');
          // Full-precision distances: glibc's sin/cos/asin are not always correctly rounded
          // (ours are), so a score may differ in its last bit; members and order must not.
          const [ours, theirs] = await d.both('ZRANGE', 'dst', '0', '-1', 'WITHSCORES');
          const o = ours as unknown[];
          const t = theirs as string[];
          expect(o.length).toBe(t.length);
          for (let i = 0; i < o.length; i += 2) {
            expect(o[i]).toBe(t[i]);
            const a = (o[i + 1] as DoubleReply).value;
            const b = Number(t[i + 1]);
            expect(Math.abs(a - b)).toBeLessThanOrEqual(Math.abs(b) * 4.5e-16);
          }
          await d.do('GEOSEARCHSTORE', 'dst', 'g', ...from, ...by);
          await d.do('ZRANGE', 'dst', '0', '-1', 'WITHSCORES');
          await d.do('GEODIST', 'g', 'p' + q, 'p' + (q * 7) % 400, unit);
          await d.do('GEOPOS', 'g', 'p' + q, 'p' + (q + 1));
          await d.do('GEOHASH', 'g', 'p' + q, 'p' + (q + 1));
        }
      }
    });
  }
});
