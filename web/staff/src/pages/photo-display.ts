/** How the UI names and fetches photos: angle labels, and image URLs (every image is watermarked for the viewer and audited). */

export const ANGLES: Record<string, string> = {
  front: 'Front',
  'oblique-left': 'Oblique left',
  'oblique-right': 'Oblique right',
  'profile-left': 'Profile left',
  'profile-right': 'Profile right',
  back: 'Back',
  detail: 'Detail',
};

/** The URL of a photo's thumbnail or full image, for one consented use. */
export const photoSrc = (id: string, variant: 'thumb' | 'image', use: string) => `/api/v1/photos/${id}/${variant}?use=${use}`;
